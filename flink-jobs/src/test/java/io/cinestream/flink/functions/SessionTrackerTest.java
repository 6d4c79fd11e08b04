package io.cinestream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.LateEvent;
import io.cinestream.flink.model.SessionChange;
import io.cinestream.flink.model.SessionChange.Kind;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionTrackerTest {

  private static final long MIN = Duration.ofMinutes(1).toMillis();
  private static final long HOUR = Duration.ofHours(1).toMillis();
  private KeyedOneInputStreamOperatorTestHarness<Integer, Event, SessionChange> harness;
  private int nextId;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new SessionTracker("test-job", Duration.ofMinutes(10), Duration.ofHours(24)),
            Event::userId,
            Types.INT);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private void in(long t, int user) throws Exception {
    harness.processElement(Event.signIn(id(), t, user), t);
  }

  private void out(long t, int user) throws Exception {
    harness.processElement(Event.signOut(id(), t, user), t);
  }

  private String id() {
    return String.format("00000000-0000-4000-8000-%012d", ++nextId);
  }

  @Test
  void appliesOutOfOrderEventsInEventTimeOrderAndLeavesNoStateBehind() throws Exception {
    out(5 * MIN, 1); // arrives before its sign_in
    in(1 * MIN, 1);
    in(2 * MIN, 1); // duplicate sign_in: ignored

    assertThat(harness.extractOutputValues()).isEmpty();
    harness.processWatermark(5 * MIN);

    assertThat(harness.extractOutputValues())
        .containsExactly(
            new SessionChange(Kind.OPENED, 1, 1 * MIN, 1 * MIN),
            new SessionChange(Kind.IGNORED_SIGN_IN, 1, 2 * MIN, 1 * MIN),
            new SessionChange(Kind.CLOSED, 1, 5 * MIN, 1 * MIN));
    assertThat(harness.numKeyedStateEntries())
        .as("no session, nothing pending: one value holding the seen ids and the cleanup instant")
        .isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).as("no expiry timer, one cleanup timer").isEqualTo(1);
    harness.processWatermark(HOUR * 25 - 1);
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    harness.processWatermark(HOUR * 25);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void passesAWatermarkTickAheadOfTheWatermarkOnAtOnceAndDropsAStaleOne() throws Exception {
    harness.processWatermark(10 * MIN);
    harness.processElement(Event.watermarkTick("sign_in", 30 * MIN), 30 * MIN);
    harness.processElement(Event.watermarkTick("sign_out", 10 * MIN), 10 * MIN); // stale

    assertThat(harness.extractOutputValues())
        .containsExactly(new SessionChange(Kind.WATERMARK_TICK, 0, 30 * MIN, null));
    assertThat(harness.numKeyedStateEntries()).as("a tick leaves no state").isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void expiresASessionAtTheTimeoutAndTreatsALaterSignOutAsAnOrphan() throws Exception {
    in(0, 4);
    out(15 * MIN, 4);
    harness.processWatermark(15 * MIN);

    assertThat(harness.extractOutputValues())
        .containsExactly(
            new SessionChange(Kind.OPENED, 4, 0, 0L),
            new SessionChange(Kind.EXPIRED, 4, 10 * MIN, 0L),
            new SessionChange(Kind.ORPHAN_SIGN_OUT, 4, 15 * MIN, null));
    harness.processWatermark(HOUR * 25);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void appliesEveryInstantOneWatermarkPassedInOneFiringEachChangeTimestampedWithItsInstant()
      throws Exception {
    in(0, 4);
    out(3 * MIN, 4);
    in(5 * MIN, 4); // opens a session that expires at 15 min
    out(30 * MIN, 4); // after the expiry: an orphan
    assertThat(harness.numEventTimeTimers())
        .as("the work timer at the earliest instant and the cleanup timer")
        .isEqualTo(2);

    harness.processWatermark(40 * MIN);

    assertThat(harness.extractOutputStreamRecords())
        .extracting(
            r ->
                r.getValue().kind()
                    + "@"
                    + r.getValue().timeMs() / MIN
                    + "/"
                    + r.getTimestamp() / MIN)
        .containsExactly(
            "OPENED@0/0", "CLOSED@3/3", "OPENED@5/5", "EXPIRED@15/15", "ORPHAN_SIGN_OUT@30/30");
    assertThat(harness.extractOutputValues())
        .containsExactly(
            new SessionChange(Kind.OPENED, 4, 0, 0L),
            new SessionChange(Kind.CLOSED, 4, 3 * MIN, 0L),
            new SessionChange(Kind.OPENED, 4, 5 * MIN, 5 * MIN),
            new SessionChange(Kind.EXPIRED, 4, 15 * MIN, 5 * MIN),
            new SessionChange(Kind.ORPHAN_SIGN_OUT, 4, 30 * MIN, null));
    assertThat(harness.numEventTimeTimers()).as("only the ids' cleanup timer").isEqualTo(1);
    harness.processWatermark(HOUR * 25);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void keepsOneCleanupTimerForAReturningUserAndAddsAnEarlierOneForAnOutOfOrderId()
      throws Exception {
    in(10 * MIN, 7);
    out(20 * MIN, 7);
    harness.processWatermark(30 * MIN);
    assertThat(harness.numEventTimeTimers()).as("closed: the cleanup timer (25 h)").isEqualTo(1);
    in(40 * MIN, 7); // returning: a work timer, the cleanup timer is kept as it is
    assertThat(harness.numEventTimeTimers()).isEqualTo(2);

    in(70 * MIN, 8); // ids forgotten at 26 h
    out(50 * MIN, 8); // arrives later, forgotten at 25 h: an earlier cleanup timer
    assertThat(harness.numEventTimeTimers()).as("user 7: 2; user 8: work, 25 h, 26 h").isEqualTo(5);
    harness.processWatermark(80 * MIN);
    assertThat(harness.extractOutputValues())
        .containsSubsequence(
            new SessionChange(Kind.ORPHAN_SIGN_OUT, 8, 50 * MIN, null),
            new SessionChange(Kind.OPENED, 8, 70 * MIN, 70 * MIN),
            new SessionChange(Kind.EXPIRED, 8, 80 * MIN, 70 * MIN));
    harness.processWatermark(HOUR * 25);
    assertThat(harness.numKeyedStateEntries()).as("user 8's 70 min id is kept").isEqualTo(1);
    harness.processWatermark(HOUR * 26);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void keepsTheOpenSessionAndItsExpiryTimerUntilTheWatermarkPassesIt() throws Exception {
    in(MIN, 2);
    harness.processWatermark(5 * MIN);

    assertThat(harness.numKeyedStateEntries())
        .as("one value per user: open sign_in, seen ids, pending timer instant")
        .isEqualTo(1);
    assertThat(harness.numEventTimeTimers())
        .as("the work timer (the expiry) and the cleanup timer")
        .isEqualTo(2);
    harness.processWatermark(11 * MIN);
    assertThat(harness.extractOutputValues())
        .containsExactly(
            new SessionChange(Kind.OPENED, 2, MIN, MIN),
            new SessionChange(Kind.EXPIRED, 2, 11 * MIN, MIN));
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);
  }

  @Test
  void dropsDuplicatesSendsLateEventsAwayAndKeepsTwoTimersPerUserWhateverTheEventCount()
      throws Exception {
    Event signIn = Event.signIn(id(), 3 * MIN, 5);
    harness.processElement(signIn, signIn.eventTimeMs());
    harness.processElement(signIn, signIn.eventTimeMs()); // producer retry
    out(9 * MIN, 5);
    in(7 * MIN, 5);
    in(4 * MIN, 5);
    assertThat(harness.numEventTimeTimers())
        .as("the work timer at 3 min and the cleanup timer, whatever the event count")
        .isEqualTo(2);

    harness.processWatermark(8 * MIN);
    in(8 * MIN, 6); // late: at the watermark
    harness.processWatermark(9 * MIN);

    assertThat(harness.extractOutputValues())
        .containsExactly(
            new SessionChange(Kind.OPENED, 5, 3 * MIN, 3 * MIN),
            new SessionChange(Kind.IGNORED_SIGN_IN, 5, 4 * MIN, 3 * MIN),
            new SessionChange(Kind.IGNORED_SIGN_IN, 5, 7 * MIN, 3 * MIN),
            new SessionChange(Kind.CLOSED, 5, 9 * MIN, 3 * MIN));
    assertThat(harness.getSideOutput(DeduplicateAndFlagLate.LATE))
        .extracting(StreamRecord::getValue)
        .containsExactly(
            new LateEvent(
                "test-job",
                String.format("00000000-0000-4000-8000-%012d", nextId),
                "sign_in",
                8 * MIN,
                8 * MIN + 1));
    assertThat(harness.numKeyedStateEntries()).as("user 6 (late only) has none").isEqualTo(1);
    harness.processWatermark(HOUR * 25);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
