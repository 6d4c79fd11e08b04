package io.cinestream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.model.SessionChange;
import io.cinestream.flink.model.SessionChange.Kind;
import io.cinestream.flink.model.SessionMetric;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionMinuteTicksTest {

  private static final long SEC = 1000;
  private static final long MIN = 60 * SEC;
  private KeyedOneInputStreamOperatorTestHarness<Integer, SessionChange, SessionMetric> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new SessionMinuteTicks(Duration.ofMinutes(2)), c -> 0, Types.INT);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private void change(Kind kind, long t, Long signIn) throws Exception {
    harness.processElement(new SessionChange(kind, 1, t, signIn), t);
  }

  @Test
  void ticksFromTheFirstBoundaryAfterTheFirstEventUpToTheDataWatermarkOnly() throws Exception {
    change(Kind.OPENED, 30 * SEC, 30 * SEC);
    change(Kind.CLOSED, 3 * MIN + 30 * SEC, 30 * SEC); // 180 s session
    change(Kind.ORPHAN_SIGN_OUT, 5 * MIN, null); // max event 5:00 -> last tick 3:00

    harness.processWatermark(Long.MAX_VALUE); // end of a bounded input

    assertThat(harness.extractOutputValues())
        .containsExactly(
            new SessionMetric(1 * MIN, 1, null, 30.0, 0),
            new SessionMetric(2 * MIN, 1, null, 90.0, 0),
            new SessionMetric(3 * MIN, 1, null, 150.0, 0));
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void countsACompletionForOneHourAndDropsItsBucketAfterwards() throws Exception {
    change(Kind.OPENED, 0, 0L);
    change(Kind.CLOSED, 30 * SEC, 0L); // completes in bucket 1:00
    change(Kind.ORPHAN_SIGN_OUT, 64 * MIN, null); // max event: ticks up to 62:00

    harness.processWatermark(Long.MAX_VALUE);

    assertThat(harness.extractOutputValues())
        .hasSize(63)
        .startsWith(new SessionMetric(0, 1, null, 0.0, 0)) // open at T: sign_in <= T
        .contains(
            new SessionMetric(1 * MIN, 0, 30.0, null, 1),
            new SessionMetric(60 * MIN, 0, 30.0, null, 1))
        .endsWith(
            new SessionMetric(61 * MIN, 0, null, null, 0),
            new SessionMetric(62 * MIN, 0, null, null, 0));
    // Left: min/max event and last tick, the open totals, and the 64:00 orphan beyond the last
    // tick; the 1:00 completion bucket was evicted at 61:00.
    assertThat(harness.numKeyedStateEntries()).isEqualTo(5);
  }
}
