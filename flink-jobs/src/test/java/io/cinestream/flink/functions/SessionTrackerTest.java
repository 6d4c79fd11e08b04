package io.cinestream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.SessionChange;
import io.cinestream.flink.model.SessionChange.Kind;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SessionTrackerTest {

  private static final long MIN = Duration.ofMinutes(1).toMillis();
  private KeyedOneInputStreamOperatorTestHarness<Integer, Event, SessionChange> harness;
  private int nextId;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new SessionTracker(Duration.ofMinutes(10)), Event::userId, Types.INT);
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
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).as("the expiry timer was deleted").isZero();
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
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void keepsTheOpenSessionAndItsExpiryTimerUntilTheWatermarkPassesIt() throws Exception {
    in(MIN, 2);
    harness.processWatermark(5 * MIN);

    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);
  }
}
