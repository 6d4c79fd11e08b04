package io.cinestream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.model.MovieSalesMetric;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class CumulativeSalesTest {

  private static final long DAY = 86_400_000L;

  @Test
  void emitsTheRunningTotalUpToTheEndOfEachDayWithSales() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, MovieSalesMetric, MovieSalesMetric>
        harness =
            ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new CumulativeSales(), MovieSalesMetric::movieId, Types.STRING)) {
      harness.processElement(new MovieSalesMetric("m1", "daily", 0, DAY, 1999, 1), DAY - 1);
      harness.processElement(
          new MovieSalesMetric("m1", "daily", 3 * DAY, 4 * DAY, 3998, 2), 4 * DAY - 1);

      assertThat(harness.extractOutputValues())
          .containsExactly(
              new MovieSalesMetric("m1", "cumulative", 0, DAY, 1999, 1),
              new MovieSalesMetric("m1", "cumulative", 3 * DAY, 4 * DAY, 5997, 3));
      assertThat(harness.numKeyedStateEntries())
          .as("the running total, kept on purpose")
          .isEqualTo(1);
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }
}
