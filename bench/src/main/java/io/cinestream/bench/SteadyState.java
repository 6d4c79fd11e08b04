package io.cinestream.bench;

import java.util.List;

/**
 * The steady-state window of a run, from an engine's own cumulative input counter sampled over time
 * (Flink: the sources' {@code numRecordsOut}; Spark: the micro-batches' {@code numInputRows} at
 * each batch's end).
 *
 * <p>The window starts at the first sample at or past {@code warmupShare} of the input (default 10
 * %: JIT compilation, state growth and the first checkpoint fall before it) and ends at the last
 * sample at or before {@code endShare} of the input (default 90 %: the drain, when sources finish
 * one by one and the last windows fire, falls after it). The steady rate is the counter's increase
 * over the window divided by its length; CPU over the same window comes from {@link #valueAt} on
 * the CPU samples, so every engine's CPU-seconds cover exactly its steady span.
 */
public final class SteadyState {

  private SteadyState() {}

  /**
   * One observation of a cumulative counter.
   *
   * @param timeMs wall time, epoch ms
   * @param value the counter (records, or CPU-seconds) at that time
   */
  public record Sample(long timeMs, double value) {}

  /**
   * The steady-state window.
   *
   * @param startMs window start, epoch ms
   * @param endMs window end, epoch ms
   * @param startValue the counter at the start
   * @param endValue the counter at the end
   */
  public record Window(long startMs, long endMs, double startValue, double endValue) {

    /** The window's length, s. */
    public double seconds() {
      return (endMs - startMs) / 1000.0;
    }

    /** Counter increase per second over the window. */
    public double rate() {
      return (endValue - startValue) / seconds();
    }
  }

  /**
   * The window of a counter that ends at {@code total}.
   *
   * @param samples the counter's samples in time order (non-decreasing times and values)
   * @param total the counter's final value (all input records)
   * @param warmupShare share of {@code total} before the window, in [0, 1)
   * @param endShare share of {@code total} at which the window ends, in (warmupShare, 1]
   * @return the window between the two samples chosen as above
   * @throws IllegalArgumentException when the shares are out of range
   * @throws IllegalStateException when no two distinct samples fall between the shares (a run too
   *     short for the sampling interval, or a single micro-batch): the message says which
   */
  public static Window of(List<Sample> samples, double total, double warmupShare, double endShare) {
    if (!(warmupShare >= 0 && warmupShare < endShare && endShare <= 1)) {
      throw new IllegalArgumentException(
          "need 0 <= warm-up share < end share <= 1, got " + warmupShare + ", " + endShare);
    }
    Sample start = null;
    Sample end = null;
    for (Sample s : samples) {
      if (start == null && s.value() >= warmupShare * total) {
        start = s;
      }
      if (s.value() <= endShare * total) {
        end = s;
      }
    }
    if (start == null || end == null || end.timeMs() <= start.timeMs()) {
      throw new IllegalStateException(
          "no steady-state window: "
              + samples.size()
              + " samples of a counter ending at "
              + (long) total
              + " have no two at different times between "
              + Math.round(100 * warmupShare)
              + " % and "
              + Math.round(100 * endShare)
              + " % of it");
    }
    return new Window(start.timeMs(), end.timeMs(), start.value(), end.value());
  }

  /**
   * A cumulative counter's value at a time, linearly interpolated between the samples around it
   * (the first or last sample's value outside their range).
   *
   * @param samples samples in time order, at least one
   * @param timeMs epoch ms
   * @return the interpolated value
   * @throws IllegalArgumentException when {@code samples} is empty
   */
  public static double valueAt(List<Sample> samples, long timeMs) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no samples");
    }
    Sample before = samples.get(0);
    if (timeMs <= before.timeMs()) {
      return before.value();
    }
    for (Sample s : samples) {
      if (s.timeMs() >= timeMs) {
        if (s.timeMs() == before.timeMs()) {
          return s.value();
        }
        double f = (double) (timeMs - before.timeMs()) / (s.timeMs() - before.timeMs());
        return before.value() + f * (s.value() - before.value());
      }
      before = s;
    }
    return before.value();
  }
}
