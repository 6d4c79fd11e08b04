package io.cinestream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.model.WindowPresence;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class PreAggregateWindowPresenceTest {

  private static final long HOUR = 3_600_000L;
  private static final long QUARTER = HOUR / 4;

  private static WindowPresence tumbling(long start, long count) {
    return new WindowPresence("tumbling_1h", start, start + HOUR, count);
  }

  private static WindowPresence sliding(long start, long count) {
    return new WindowPresence("sliding_1h_15m", start, start + HOUR, count);
  }

  @Test
  void sendsOneSumPerWindowWhenTheWatermarkReachesItsLastMillisecondAndKeepsNothing()
      throws Exception {
    PreAggregateWindowPresence op = new PreAggregateWindowPresence();
    try (OneInputStreamOperatorTestHarness<WindowPresence, WindowPresence> harness =
        new OneInputStreamOperatorTestHarness<>(op)) {
      harness.open();
      // Three users in the hour [0, 1h), two of them also in the sliding window [15 min, 75 min).
      for (int user = 0; user < 3; user++) {
        harness.processElement(tumbling(0, 1), 10 * 60_000L + user);
      }
      harness.processElement(sliding(QUARTER, 1), 20 * 60_000L);
      harness.processElement(sliding(QUARTER, 1), 20 * 60_000L);
      assertThat(harness.extractOutputValues()).isEmpty();

      harness.processWatermark(HOUR - 2);
      assertThat(harness.extractOutputValues()).isEmpty();
      harness.processWatermark(HOUR - 1);
      assertThat(harness.extractOutputStreamRecords())
          .containsExactly(new StreamRecord<>(tumbling(0, 3), HOUR - 1));
      assertThat(op.pendingWindows()).isEqualTo(1);

      harness.processWatermark(Long.MAX_VALUE);
      assertThat(harness.extractOutputValues())
          .containsExactly(tumbling(0, 3), sliding(QUARTER, 2));
      assertThat(op.pendingWindows()).isZero();
    }
  }

  @Test
  void restoresItsPendingSumsFromACheckpoint() throws Exception {
    OperatorSubtaskState snapshot;
    try (OneInputStreamOperatorTestHarness<WindowPresence, WindowPresence> harness =
        new OneInputStreamOperatorTestHarness<>(new PreAggregateWindowPresence())) {
      harness.open();
      harness.processElement(tumbling(0, 1), 1L);
      harness.processElement(tumbling(0, 1), 2L);
      snapshot = harness.snapshot(1L, 3L);
    }
    PreAggregateWindowPresence restored = new PreAggregateWindowPresence();
    try (OneInputStreamOperatorTestHarness<WindowPresence, WindowPresence> harness =
        new OneInputStreamOperatorTestHarness<>(restored)) {
      harness.initializeState(snapshot);
      harness.open();
      harness.processElement(tumbling(0, 1), 4L);
      harness.processWatermark(HOUR - 1);
      assertThat(harness.extractOutputValues()).containsExactly(tumbling(0, 3));
      assertThat(restored.pendingWindows()).isZero();
    }
  }
}
