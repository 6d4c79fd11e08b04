package io.cinestream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.model.RegistrationMetric;
import io.cinestream.flink.model.WindowPresence;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class SumWindowPresenceTest {

  private static final long HOUR = 3_600_000L;

  @Test
  void sumsThePresencesOfAWindowAndEmitsOnceWhenTheWatermarkPassesItsEnd() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<Long, WindowPresence, RegistrationMetric> harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new SumWindowPresence(), WindowPresence::windowKey, Types.LONG)) {
      WindowPresence user = new WindowPresence("tumbling_1h", 10 * HOUR, 11 * HOUR, 1);
      harness.processElement(user, 11 * HOUR - 1);
      harness.processElement(user, 11 * HOUR - 1);
      harness.processElement(user, 11 * HOUR - 1);

      harness.processWatermark(11 * HOUR - 2);
      assertThat(harness.extractOutputValues()).isEmpty();
      harness.processWatermark(11 * HOUR - 1);

      assertThat(harness.extractOutputValues())
          .containsExactly(new RegistrationMetric("tumbling_1h", 10 * HOUR, 11 * HOUR, 3));
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }
}
