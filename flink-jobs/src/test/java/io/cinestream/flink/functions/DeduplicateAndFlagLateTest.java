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

  private KeyedOneInputStreamOperatorTestHarness<String, Event, Event> harness;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new DeduplicateAndFlagLate("test-job", Duration.ofHours(24)),
            Event::eventId,
            Types.STRING);
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
  }
}
