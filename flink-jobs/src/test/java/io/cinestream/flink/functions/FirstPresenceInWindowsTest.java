package io.cinestream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.LateEvent;
import io.cinestream.flink.model.UserState;
import io.cinestream.flink.model.UserStateSerializer;
import io.cinestream.flink.model.WindowPresence;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class FirstPresenceInWindowsTest {

  private static final long HOUR = 3_600_000L;

  private static String id(int n) {
    return String.format("00000000-0000-4000-8000-%012d", n);
  }

  private static final long SLOT = 15 * 60_000L;

  /** The keyed value of {@code userId} (read through the operator's keyed state backend). */
  private static UserState stateOf(
      KeyedOneInputStreamOperatorTestHarness<Integer, Event, WindowPresence> harness, int userId)
      throws Exception {
    KeyedStateBackend<Integer> backend = harness.getOperator().getKeyedStateBackend();
    backend.setCurrentKey(userId);
    UserState u =
        backend
            .getPartitionedState(
                VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE,
                new ValueStateDescriptor<>("user-state", UserStateSerializer.INSTANCE))
            .value();
    return u == null ? new UserState() : u;
  }

  private static long at(String utc) {
    return Instant.parse(utc).toEpochMilli();
  }

  private static WindowPresence tumbling(String start) {
    return new WindowPresence("tumbling_1h", at(start), at(start) + HOUR, 1);
  }

  private static WindowPresence sliding(String start) {
    return new WindowPresence("sliding_1h_15m", at(start), at(start) + HOUR, 1);
  }

  @Test
  void countsAUserOncePerWindowAndForgetsEachSlotAfterItsLastWindow() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<Integer, Event, WindowPresence> harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new FirstPresenceInWindows("test-job", Duration.ofHours(24)),
            Event::userId,
            Types.INT)) {
      long first = at("2026-11-20T10:20:00Z");
      harness.processElement(Event.registration(id(1), first, 7), first);
      assertThat(harness.extractOutputValues())
          .containsExactly(
              tumbling("2026-11-20T10:00:00Z"),
              sliding("2026-11-20T09:30:00Z"),
              sliding("2026-11-20T09:45:00Z"),
              sliding("2026-11-20T10:00:00Z"),
              sliding("2026-11-20T10:15:00Z"));

      // Same user, another event id, 30 minutes later: present already in the hour and in the
      // sliding windows starting 10:00 and 10:15, new in those starting 10:30 and 10:45.
      long second = at("2026-11-20T10:50:00Z");
      harness.processElement(Event.registration(id(2), second, 7), second);
      // And a third in the same slot as the first: nothing new.
      long third = at("2026-11-20T10:29:59Z");
      harness.processElement(Event.registration(id(3), third, 7), third);
      // Another user in the same slot is counted on its own.
      harness.processElement(Event.registration(id(4), first, 8), first);
      assertThat(harness.extractOutputValues())
          .hasSize(5 + 2 + 5)
          .containsSubsequence(
              sliding("2026-11-20T10:15:00Z"),
              sliding("2026-11-20T10:30:00Z"),
              sliding("2026-11-20T10:45:00Z"),
              tumbling("2026-11-20T10:00:00Z"));
      // One value per user: seen slots, seen event ids, the instant of its one pending timer.
      assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
      assertThat(harness.numEventTimeTimers()).isEqualTo(2);
      long slot1020 = at("2026-11-20T10:15:00Z") / SLOT;
      long slot1050 = at("2026-11-20T10:45:00Z") / SLOT;
      assertThat(stateOf(harness, 7).slots).containsExactly(slot1020, slot1050);
      assertThat(stateOf(harness, 7).seenIds).hasSize(3 * 3);
      // The one cleanup timer: when the first registration's id may be forgotten (24 h after
      // 10:20, rounded up to the hour); the later registrations do not move it.
      assertThat(stateOf(harness, 7).timerAtMs).isEqualTo(at("2026-11-21T11:00:00Z"));
      assertThat(stateOf(harness, 8).timerAtMs).isEqualTo(at("2026-11-21T11:00:00Z"));

      // Both slots' windows end ([10:45, 11:45) is the last): nothing fires, the slots stay
      // until the cleanup, and a stale slot does not hide a window from a later registration.
      harness.processWatermark(at("2026-11-20T11:45:00Z") - 1);
      assertThat(stateOf(harness, 7).slots).containsExactly(slot1020, slot1050);
      long later = at("2026-11-20T12:05:00Z");
      harness.processElement(Event.registration(id(5), later, 7), later);
      assertThat(harness.extractOutputValues())
          .hasSize(5 + 2 + 5 + 5)
          .endsWith(
              tumbling("2026-11-20T12:00:00Z"),
              sliding("2026-11-20T11:15:00Z"),
              sliding("2026-11-20T11:30:00Z"),
              sliding("2026-11-20T11:45:00Z"),
              sliding("2026-11-20T12:00:00Z"));
      assertThat(stateOf(harness, 7).timerAtMs).isEqualTo(at("2026-11-21T11:00:00Z"));
      assertThat(harness.numEventTimeTimers()).isEqualTo(2);

      // The ids of 10:20 to 10:50 are kept 24 h, rounded up to the hour: until the next day 11:00.
      harness.processWatermark(at("2026-11-21T11:00:00Z") - 1);
      assertThat(stateOf(harness, 7).seenIds).hasSize(4 * 3);
      harness.processWatermark(at("2026-11-21T11:00:00Z"));
      // User 8 is gone; user 7 keeps the 12:05 id (no slot: its windows have ended) and re-arms
      // at its forget-at.
      assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
      assertThat(stateOf(harness, 7).slots).isEmpty();
      assertThat(stateOf(harness, 7).seenIds)
          .containsExactly(
              UUID.fromString(id(5)).getMostSignificantBits(),
              UUID.fromString(id(5)).getLeastSignificantBits(),
              at("2026-11-21T13:00:00Z"));
      assertThat(stateOf(harness, 7).timerAtMs).isEqualTo(at("2026-11-21T13:00:00Z"));
      assertThat(harness.numEventTimeTimers()).isEqualTo(1);
      harness.processWatermark(at("2026-11-21T13:00:00Z"));
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void dropsARepeatedEventIdAndSendsALateRegistrationAwayWithoutState() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<Integer, Event, WindowPresence> harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new FirstPresenceInWindows("test-job", Duration.ofHours(24)),
            Event::userId,
            Types.INT)) {
      long t = at("2026-11-20T10:20:00Z");
      harness.processElement(Event.registration(id(1), t, 7), t);
      // The same event again, 2 h later (after its user's windows were forgotten): still a
      // duplicate, so the user is not counted a second time.
      harness.processWatermark(t + 2 * HOUR);
      harness.processElement(Event.registration(id(1), t + 2 * HOUR + 1, 7), t + 2 * HOUR + 1);
      assertThat(harness.extractOutputValues()).hasSize(5);

      Event late = Event.registration(id(2), t, 9);
      harness.processElement(late, t);
      assertThat(harness.getSideOutput(DeduplicateAndFlagLate.LATE))
          .extracting(StreamRecord::getValue)
          .containsExactly(
              new LateEvent("test-job", id(2), "consumer_registration", t, t + 2 * HOUR + 1));
      assertThat(harness.extractOutputValues()).hasSize(5);
      assertThat(harness.numKeyedStateEntries())
          .as("user 7: its seen id and timer; user 9 (late only): nothing")
          .isEqualTo(1);
      harness.processWatermark(at("2026-11-21T11:00:00Z"));
      assertThat(harness.numKeyedStateEntries()).isZero();
      assertThat(harness.numEventTimeTimers()).isZero();
    }
  }
}
