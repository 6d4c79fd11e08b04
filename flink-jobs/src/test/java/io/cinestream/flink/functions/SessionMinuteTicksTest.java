package io.cinestream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.model.SessionChange;
import io.cinestream.flink.model.SessionChange.Kind;
import io.cinestream.flink.model.SessionMetric;
import io.cinestream.flink.model.SessionTickPartial;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionMinuteTicksTest {

  private static final long SEC = 1000;
  private static final long MIN = 60 * SEC;

  /** The first phase of subtask A (and of every test); {@link #other} is subtask B. */
  private SessionTickPartials op;

  private OneInputStreamOperatorTestHarness<SessionChange, SessionTickPartial> partials;
  private SessionTickPartials otherOp;
  private OneInputStreamOperatorTestHarness<SessionChange, SessionTickPartial> other;
  private KeyedOneInputStreamOperatorTestHarness<Integer, SessionTickPartial, SessionMetric>
      harness;

  @BeforeEach
  void setUp() throws Exception {
    op = new SessionTickPartials();
    partials = new OneInputStreamOperatorTestHarness<>(op);
    partials.open();
    otherOp = new SessionTickPartials();
    other = new OneInputStreamOperatorTestHarness<>(otherOp);
    other.open();
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new SessionMinuteTicks(Duration.ofMinutes(2)), c -> 0, Types.INT);
  }

  @AfterEach
  void tearDown() throws Exception {
    partials.close();
    other.close();
    harness.close();
  }

  /** A change of user 1 into the first phase of subtask A. */
  private void change(Kind kind, long t, Long signIn) throws Exception {
    change(partials, 1, kind, t, signIn);
  }

  private static void change(
      OneInputStreamOperatorTestHarness<SessionChange, SessionTickPartial> subtask,
      int user,
      Kind kind,
      long t,
      Long signIn)
      throws Exception {
    subtask.processElement(new SessionChange(kind, user, t, signIn), t);
  }

  /**
   * The end of a bounded input: the first phases' watermark jumps to +infinity, their partials go
   * to the second phase with their timestamps, then the second phase's watermark follows.
   */
  private void endOfInput() throws Exception {
    for (OneInputStreamOperatorTestHarness<SessionChange, SessionTickPartial> subtask :
        List.of(partials, other)) {
      subtask.processWatermark(Long.MAX_VALUE);
      for (StreamRecord<? extends SessionTickPartial> r : subtask.extractOutputStreamRecords()) {
        harness.processElement(r.getValue(), r.getTimestamp());
      }
    }
    assertThat(op.pendingBuckets()).isZero();
    assertThat(otherOp.pendingBuckets()).isZero();
    harness.processWatermark(Long.MAX_VALUE);
  }

  @Test
  void ticksFromTheFirstBoundaryAfterTheFirstEventUpToTheDataWatermarkOnly() throws Exception {
    change(Kind.OPENED, 30 * SEC, 30 * SEC);
    change(Kind.CLOSED, 3 * MIN + 30 * SEC, 30 * SEC); // 180 s session
    // Max event 5:00 -> W = 3:00: tick 3:00 is not passed (an event at 3:00 would be on time).
    change(Kind.ORPHAN_SIGN_OUT, 5 * MIN, null);

    endOfInput();

    assertThat(harness.extractOutputValues())
        .containsExactly(
            new SessionMetric(1 * MIN, 1, null, 30.0, 0),
            new SessionMetric(2 * MIN, 1, null, 90.0, 0));
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void countsACompletionForOneHourAndDropsItsBucketAfterwards() throws Exception {
    change(Kind.OPENED, 0, 0L);
    change(Kind.CLOSED, 30 * SEC, 0L); // completes in bucket 1:00
    change(Kind.ORPHAN_SIGN_OUT, 64 * MIN, null); // max event: W = 62:00, ticks up to 61:00

    endOfInput();

    assertThat(harness.extractOutputValues())
        .hasSize(62)
        .startsWith(new SessionMetric(0, 1, null, 0.0, 0)) // open at T: sign_in <= T
        .contains(new SessionMetric(1 * MIN, 0, 30.0, null, 1))
        .endsWith(
            new SessionMetric(60 * MIN, 0, 30.0, null, 1),
            new SessionMetric(61 * MIN, 0, null, null, 0));
    // Left: min/max event and last tick, the open totals, the last hour's completion totals, and
    // the 64:00 orphan's partial beyond the last tick; the 1:00 completion bucket was evicted at
    // 61:00.
    assertThat(harness.numKeyedStateEntries()).isEqualTo(6);
  }

  @Test
  void combinesThePartialsOfSubtasksAndSendsOnePartialPerSubtaskAndMinute() throws Exception {
    // Users 1 and 129 are tracked by subtask A, user 2 by subtask B.
    change(partials, 1, Kind.OPENED, 10 * SEC, 10 * SEC);
    change(partials, 129, Kind.OPENED, 20 * SEC, 20 * SEC);
    change(partials, 129, Kind.IGNORED_SIGN_IN, 50 * SEC, 20 * SEC);
    change(other, 2, Kind.OPENED, 30 * SEC, 30 * SEC);
    change(other, 2, Kind.CLOSED, 90 * SEC, 30 * SEC); // 60 s, bucket 2:00
    // Not an event: does not move the bound.
    change(partials, 1, Kind.EXPIRED, 150 * SEC, 10 * SEC);
    // Max event 4:01 -> W = 2:01 -> last tick 2:00.
    change(other, 2, Kind.ORPHAN_SIGN_OUT, 4 * MIN + SEC, null);

    partials.processWatermark(MIN - 1);
    assertThat(partials.extractOutputValues()).isEmpty();
    partials.processWatermark(MIN);
    other.processWatermark(MIN);
    assertThat(partials.extractOutputStreamRecords())
        .as("bucket 1:00: one partial per subtask, timestamped with the bucket")
        .containsExactly(
            new StreamRecord<>(
                new SessionTickPartial(MIN, 2, 30 * SEC, 0, 0, 10 * SEC, 50 * SEC), MIN));
    assertThat(other.extractOutputValues())
        .containsExactly(new SessionTickPartial(MIN, 1, 30 * SEC, 0, 0, 30 * SEC, 30 * SEC));
    assertThat(op.pendingBuckets()).as("bucket 3:00 (the expiry)").isEqualTo(1);
    assertThat(otherOp.pendingBuckets()).as("buckets 2:00 and 5:00").isEqualTo(2);
    endOfInput();

    assertThat(harness.extractOutputValues())
        .containsExactly(
            // open at 1:00: sign_ins 0:10, 0:20, 0:30 -> ages 50, 40, 30 s
            new SessionMetric(1 * MIN, 3, null, 40.0, 0),
            // 2:00: user 2 closed at 1:30 (60 s); open 0:10 and 0:20 -> ages 110, 100 s
            new SessionMetric(2 * MIN, 2, 60.0, 105.0, 1));
  }

  @Test
  void emitsARowForEveryMinuteOfALongEmptyStretchWithConstantState() throws Exception {
    change(Kind.OPENED, 0, 0L);
    change(Kind.CLOSED, 10 * MIN, 0L);
    change(other, 2, Kind.ORPHAN_SIGN_OUT, 24 * 60 * MIN, null); // a day later

    endOfInput();

    assertThat(harness.extractOutputValues())
        .hasSize(24 * 60 - 3 + 1)
        .contains(new SessionMetric(69 * MIN, 0, 600.0, null, 1))
        .contains(new SessionMetric(70 * MIN, 0, null, null, 0))
        .endsWith(new SessionMetric((24 * 60 - 3) * MIN, 0, null, null, 0));
    assertThat(harness.numKeyedStateEntries()).isEqualTo(6);
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void runsTheTicksOnToTheWatermarkOfALaterWatermarkTickRecord() throws Exception {
    change(Kind.OPENED, 30 * SEC, 30 * SEC);
    change(Kind.CLOSED, 90 * SEC, 30 * SEC); // 60 s session, bucket 2:00
    change(Kind.OPENED, 3 * MIN, 3 * MIN); // max event 3:00
    // Three days later, on the other subtask: W = 3 d - 2 min, last tick 3 d - 3 min.
    other.processElement(SessionChange.watermarkTick(3 * 24 * 60 * MIN), 3 * 24 * 60 * MIN);

    endOfInput();

    List<SessionMetric> rows = harness.extractOutputValues();
    assertThat(rows)
        .hasSize(3 * 24 * 60 - 3)
        .startsWith(
            new SessionMetric(1 * MIN, 1, null, 30.0, 0),
            new SessionMetric(2 * MIN, 0, 60.0, null, 1),
            new SessionMetric(3 * MIN, 1, 60.0, 0.0, 1))
        .contains(new SessionMetric(61 * MIN, 1, 60.0, 58 * 60.0, 1))
        .contains(new SessionMetric(62 * MIN, 1, null, 59 * 60.0, 0))
        .endsWith(new SessionMetric((3 * 24 * 60 - 3) * MIN, 1, null, (3 * 24 * 60 - 6) * 60.0, 0));
    // A row per minute, nothing else: min/max seen, last tick, open totals, last hour's totals,
    // and the tick's partial beyond the last tick.
    assertThat(harness.numKeyedStateEntries()).isEqualTo(6);
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aWatermarkTickAloneStartsNoTick() throws Exception {
    partials.processElement(SessionChange.watermarkTick(10 * MIN), 10 * MIN);

    endOfInput();

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void restoresItsPendingPartialsFromACheckpoint() throws Exception {
    change(Kind.OPENED, 10 * SEC, 10 * SEC);
    OperatorSubtaskState snapshot = partials.snapshot(1L, 2L);
    SessionTickPartials restored = new SessionTickPartials();
    try (OneInputStreamOperatorTestHarness<SessionChange, SessionTickPartial> again =
        new OneInputStreamOperatorTestHarness<>(restored)) {
      again.initializeState(snapshot);
      again.open();
      change(again, 2, Kind.OPENED, 20 * SEC, 20 * SEC);
      again.processWatermark(MIN);
      assertThat(again.extractOutputValues())
          .containsExactly(new SessionTickPartial(MIN, 2, 30 * SEC, 0, 0, 10 * SEC, 20 * SEC));
      assertThat(restored.pendingBuckets()).isZero();
    }
  }
}
