package io.cinestream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.LateEvent;
import io.cinestream.flink.model.MovieSalesMetric;
import io.cinestream.flink.model.PricedSale;
import io.cinestream.flink.testing.CollectingSink;
import io.cinestream.flink.testing.Expected;
import io.cinestream.flink.testing.MiniClusterTestBase;
import io.cinestream.flink.testing.TestInputs;
import io.cinestream.testsupport.fixtures.MetricScenarios;
import io.cinestream.testsupport.fixtures.MetricScenarios.SalesScenario;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class MovieSalesJobITCase extends MiniClusterTestBase {

  @Test
  void sumsDailyWeeklyAndCumulativeSalesAcrossTheSundayMondayBoundary() throws Exception {
    SalesScenario scenario = MetricScenarios.sales();
    CollectingSink<MovieSalesMetric> metrics = new CollectingSink<>();
    CollectingSink<PricedSale> unpriced = new CollectingSink<>();
    CollectingSink<LateEvent> late = new CollectingSink<>();
    CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
    JobOptions options = testOptions();
    StreamExecutionEnvironment env = environment(options);

    new MovieSalesJob(
            options,
            TestInputs.source(TestInputs.decoded(scenario.arrivals()), TestInputs.EVENT_TYPE),
            TestInputs.source(TestInputs.prices(scenario.catalog()), TestInputs.CATALOG_TYPE),
            metrics,
            unpriced,
            late,
            deadLetters)
        .build(env);
    env.execute(MovieSalesJob.NAME);

    assertThat(metrics.values())
        .containsExactlyInAnyOrderElementsOf(Expected.sales(scenario.expected()));
    assertThat(unpriced.values()).as("every product sold has a price").isEmpty();
    assertThat(late.values()).isEmpty();
    assertThat(deadLetters.values()).isEmpty();
  }
}
