package io.cinestream.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * Turns the sink rows of a run into latencies.
 *
 * <ul>
 *   <li>window-to-sink: a row's first-seen time minus the first time the watermark was observed at
 *       or past its window's last millisecond ({@code window_end - 1}, when an event-time timer or
 *       window for that end fires). Both sides are polled, so a row can be seen before the
 *       watermark poll catches up: such a latency is counted as 0 ({@link Result#clamped}).
 *   <li>emit-to-sink: first-seen time minus the row's {@code emitted_at} (negative values, from
 *       clock or rounding differences, also count as 0).
 * </ul>
 *
 * Both lists are ordered by when the window closed, so the warm-up cut drops the earliest windows.
 */
public final class WindowLatencies {

  /**
   * @param windowToSink window-to-sink latencies, ms, in closing order
   * @param emitToSink emit-to-sink latencies, ms, same order
   * @param untimed rows whose window end no watermark observation reached
   * @param clamped window-to-sink latencies that were negative and counted as 0
   */
  public record Result(List<Long> windowToSink, List<Long> emitToSink, int untimed, int clamped) {}

  private WindowLatencies() {}

  /**
   * @param rows sink rows as first seen
   * @param watermarks the engine's watermark observations
   */
  public static Result of(List<SinkPoller.Row> rows, WatermarkTimeline watermarks) {
    record Timed(long closedMs, long windowToSink, long emitToSink) {}
    List<Timed> timed = new ArrayList<>();
    List<Long> emitOnly = new ArrayList<>();
    int untimed = 0;
    int clamped = 0;
    for (SinkPoller.Row r : rows) {
      OptionalLong passed = watermarks.passedAt(r.windowEndMs() - 1);
      long emit = Math.max(0, r.firstSeenMs() - r.emittedAtMs());
      if (passed.isEmpty()) {
        untimed++;
        emitOnly.add(emit);
        continue;
      }
      long l = r.firstSeenMs() - passed.getAsLong();
      if (l < 0) {
        clamped++;
        l = 0;
      }
      timed.add(new Timed(passed.getAsLong(), l, emit));
    }
    timed.sort(Comparator.comparingLong(Timed::closedMs));
    List<Long> w = new ArrayList<>();
    List<Long> e = new ArrayList<>();
    for (Timed t : timed) {
      w.add(t.windowToSink());
      e.add(t.emitToSink());
    }
    e.addAll(emitOnly);
    return new Result(w, e, untimed, clamped);
  }
}
