package io.cinestream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.LateEvent;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeduplicateAndFlagLateTest {

  private static final long HOUR = Duration.ofHours(1).toMillis();
  private static final String ID_1 = "00000000-0000-4000-8000-000000000001";
  private static final String ID_2 = "00000000-0000-4000-8000-000000000002";

  private KeyedOneInputStreamOperatorTestHarness<Integer, Event, Event> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new DeduplicateAndFlagLate<>("test-job", Duration.ofHours(24)),
            Event::userId,
            Types.INT);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  @Test
  void dropsTheSecondCopyOfAnEventIdAndForgetsItAfterTheRetention() throws Exception {
    Event first = Event.signIn(ID_1, 10 * HOUR, 1);
    harness.processElement(first, first.eventTimeMs());
    harness.processElement(first, first.eventTimeMs());

    assertThat(harness.extractOutputValues()).containsExactly(first);
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);

    harness.processWatermark(34 * HOUR - 1);
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    harness.processWatermark(34 * HOUR);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void sendsAnEventAtOrBeforeTheWatermarkToLateEventsWithDesignsWatermark() throws Exception {
    harness.processWatermark(10 * HOUR - 1);
    Event onTime = Event.signIn(ID_1, 10 * HOUR, 1);
    Event late = Event.signIn(ID_2, 10 * HOUR - 1, 2);
    harness.processElement(onTime, onTime.eventTimeMs());
    harness.processElement(late, late.eventTimeMs());

    assertThat(harness.extractOutputValues()).containsExactly(onTime);
    assertThat(harness.getSideOutput(DeduplicateAndFlagLate.LATE))
        .extracting(StreamRecord::getValue)
        .containsExactly(new LateEvent("test-job", ID_2, "sign_in", 10 * HOUR - 1, 10 * HOUR));
    assertThat(harness.numKeyedStateEntries()).as("only the on-time user's seen id").isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);
  }

  @Test
  void keepsOneCleanupTimerPerHourOfActivityAndNeverForgetsAnIdBeforeTwentyFourHours()
      throws Exception {
    // Three events of user 1 in the hour [10:00, 11:00) and one at 11:30: two cleanup instants.
    Event a = Event.signIn(ID_1, 10 * HOUR + 1000, 1);
    Event b = Event.signOut(ID_2, 10 * HOUR + 59 * 60_000, 1);
    Event c = Event.signIn("00000000-0000-4000-8000-000000000003", 10 * HOUR + 1, 1);
    Event d = Event.signOut("00000000-0000-4000-8000-000000000004", 11 * HOUR + HOUR / 2, 1);
    for (Event e : new Event[] {a, b, c, d}) {
      harness.processElement(e, e.eventTimeMs());
    }
    assertThat(harness.numEventTimeTimers()).isEqualTo(2);

    // b is remembered until 24 h after 10:59, rounded up: 35:00.
    harness.processWatermark(35 * HOUR - 1);
    harness.processElement(b, b.eventTimeMs());
    assertThat(harness.extractOutputValues()).containsExactly(a, b, c, d);
    assertThat(harness.getSideOutput(DeduplicateAndFlagLate.LATE))
        .as("a duplicate is dropped as such, even behind the watermark")
        .isNull();

    harness.processWatermark(35 * HOUR);
    assertThat(harness.numKeyedStateEntries()).as("d is kept until 36:00").isEqualTo(1);
    harness.processWatermark(36 * HOUR);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
