package io.cinestream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WindowLatenciesTest {

  private static WatermarkTimeline timeline() {
    WatermarkTimeline t = new WatermarkTimeline();
    t.observe(1_000, Long.MIN_VALUE);
    t.observe(1_050, 3_600_000); // watermark at 01:00 event time, seen at wall 1050
    t.observe(1_100, 3_000_000); // a lower report: ignored
    t.observe(1_200, 7_200_000); // 02:00 at wall 1200
    return t;
  }

  @Test
  void passedAtIsTheFirstObservationAtOrPastTheEventTime() {
    WatermarkTimeline t = timeline();
    assertThat(t.size()).isEqualTo(3);
    assertThat(t.passedAt(3_599_999)).hasValue(1_050);
    assertThat(t.passedAt(3_600_000)).hasValue(1_050);
    assertThat(t.passedAt(3_600_001)).hasValue(1_200);
    assertThat(t.passedAt(7_200_001)).isEmpty();
  }

  @Test
  void rejectsObservationsGoingBackInWallTime() {
    WatermarkTimeline t = timeline();
    assertThatThrownBy(() -> t.observe(999, 9_000_000))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void latenciesRunFromTheWatermarkPassingTheWindowEndToFirstSeen() {
    List<SinkPoller.Row> rows =
        List.of(
            // window [01:00, 02:00): last ms 7_199_999 passed at 1200; seen at 1530 -> 330
            new SinkPoller.Row("b", 7_200_000, 1_400, 1_530),
            // window ending 01:00: passed at 1050; seen at 1290 -> 240; emitted 1250 -> 40
            new SinkPoller.Row("a", 3_600_000, 1_250, 1_290),
            // seen before the watermark poll caught up: clamped to 0
            new SinkPoller.Row("c", 3_600_000, 1_010, 1_020),
            // end beyond every observation: untimed, emit-to-sink only (600 - 500 = 100)
            new SinkPoller.Row("d", 9_000_000, 500, 600));
    WindowLatencies.Result r = WindowLatencies.of(rows, timeline());
    // closing order: a and c (1050), then b (1200)
    assertThat(r.windowToSink()).containsExactly(240L, 0L, 330L);
    assertThat(r.emitToSink()).containsExactly(40L, 10L, 130L, 100L);
    assertThat(r.untimed()).isEqualTo(1);
    assertThat(r.clamped()).isEqualTo(1);
  }
}
