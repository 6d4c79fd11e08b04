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
  private static final long RETENTION = SumWindowPresence.RETENTION.toMillis();

  private static KeyedOneInputStreamOperatorTestHarness<Long, WindowPresence, RegistrationMetric>
      harness() throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new SumWindowPresence(), WindowPresence::windowKey, Types.LONG);
  }

  @Test
  void sumsThePresencesOfAWindowAndEmitsOnceWhenTheWatermarkPassesItsEnd() throws Exception {
    try (var harness = harness()) {
      WindowPresence user = new WindowPresence("tumbling_1h", 10 * HOUR, 11 * HOUR, 1);
      harness.processElement(user, 11 * HOUR - 1);
      harness.processElement(user, 11 * HOUR - 1);
      harness.processElement(user, 11 * HOUR - 1);

      harness.processWatermark(11 * HOUR - 2);
      assertThat(harness.extractOutputValues()).isEmpty();
      harness.processWatermark(11 * HOUR - 1);

      assertThat(harness.extractOutputValues())
          .containsExactly(new RegistrationMetric("tumbling_1h", 10 * HOUR, 11 * HOUR, 3));
      assertThat(harness.numKeyedStateEntries()).as("kept for partials that come after").isOne();
      harness.processWatermark(11 * HOUR - 1 + RETENTION);
      assertThat(harness.extractOutputValues()).hasSize(1);
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  /**
   * One upstream subtask's partial (3 users) fires the window while the other subtask is idle; its
   * partial (2 users) comes after: the row is emitted again with 3 + 2 = 5, not replaced by 2.
   */
  @Test
  void aPartialAfterTheRowIsAddedAndTheCorrectedRowEmittedAgain() throws Exception {
    try (var harness = harness()) {
      harness.processElement(new WindowPresence("sliding_1h_15m", 0, HOUR, 3), HOUR - 1);
      harness.processWatermark(HOUR + 5 * 60_000);
      harness.processElement(new WindowPresence("sliding_1h_15m", 0, HOUR, 2), HOUR - 1);

      assertThat(harness.extractOutputValues())
          .containsExactly(
              new RegistrationMetric("sliding_1h_15m", 0, HOUR, 3),
              new RegistrationMetric("sliding_1h_15m", 0, HOUR, 5));
      harness.processWatermark(Long.MAX_VALUE);
      assertThat(harness.extractOutputValues()).hasSize(2);
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  /** A window's only partial arriving after its end still produces its row, once. */
  @Test
  void aWindowWhoseOnlyPartialComesAfterItsEndIsEmittedOnArrival() throws Exception {
    try (var harness = harness()) {
      harness.processWatermark(2 * HOUR);
      harness.processElement(new WindowPresence("tumbling_1h", 0, HOUR, 4), HOUR - 1);
      harness.processWatermark(3 * HOUR);

      assertThat(harness.extractOutputValues())
          .containsExactly(new RegistrationMetric("tumbling_1h", 0, HOUR, 4));
      assertThat(harness.numEventTimeTimers()).as("the cleanup timer only").isOne();
    }
  }

  /** After the retention the total is gone: a partial then is dropped, not written as the row. */
  @Test
  void aPartialLaterThanTheRetentionIsDroppedAndTheRowLeftAsItWas() throws Exception {
    try (var harness = harness()) {
      harness.processElement(new WindowPresence("tumbling_1h", 0, HOUR, 3), HOUR - 1);
      harness.processWatermark(HOUR - 1 + RETENTION);
      harness.processElement(new WindowPresence("tumbling_1h", 0, HOUR, 2), HOUR - 1);
      harness.processWatermark(Long.MAX_VALUE);

      assertThat(harness.extractOutputValues())
          .containsExactly(new RegistrationMetric("tumbling_1h", 0, HOUR, 3));
      assertThat(harness.numKeyedStateEntries()).isZero();
    }
  }
}
