package io.cinestream.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * When an engine's watermark reached which event time: observations (wall-clock ms, watermark ms)
 * in wall-clock order, from polling the engine (Flink REST) or from its own log (Spark's query
 * progress). The watermark is monotonic: a lower observation than the one before (another subtask
 * reporting late) is recorded as the previous value.
 */
public final class WatermarkTimeline {

  private final List<long[]> points = new ArrayList<>();

  /**
   * Adds an observation; ignored when the watermark has not advanced.
   *
   * @param wallMs when it was observed, epoch ms
   * @param watermarkMs the watermark, epoch ms of event time
   * @throws IllegalArgumentException when {@code wallMs} is before the previous observation
   */
  public synchronized void observe(long wallMs, long watermarkMs) {
    if (!points.isEmpty()) {
      long[] last = points.get(points.size() - 1);
      if (wallMs < last[0]) {
        throw new IllegalArgumentException(
            "observation at " + wallMs + " ms is before the previous one at " + last[0] + " ms");
      }
      if (watermarkMs <= last[1]) {
        return;
      }
    }
    points.add(new long[] {wallMs, watermarkMs});
  }

  /**
   * The first wall-clock time at which the watermark was at or past {@code eventTimeMs}.
   *
   * @return epoch ms, or empty when no observation reached it
   */
  public synchronized OptionalLong passedAt(long eventTimeMs) {
    int lo = 0;
    int hi = points.size();
    while (lo < hi) { // first index with watermark >= eventTimeMs (watermarks ascend)
      int mid = (lo + hi) >>> 1;
      if (points.get(mid)[1] >= eventTimeMs) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo < points.size() ? OptionalLong.of(points.get(lo)[0]) : OptionalLong.empty();
  }

  /** Number of distinct observations kept. */
  public synchronized int size() {
    return points.size();
  }
}
