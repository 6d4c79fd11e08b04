package io.cinestream.bench;

import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Percentiles of a set of latencies in ms, from an HdrHistogram with 3 significant digits. A
 * percentile p is the nearest-rank value (the {@code ceil(p * n)}-th smallest), exact below 2048 ms
 * and within 0.1 % above.
 *
 * @param count latencies summarized (after warm-up)
 * @param p50Ms median, ms
 * @param p99Ms 99th percentile, ms
 * @param p999Ms 99.9th percentile, ms
 * @param maxMs maximum, ms
 */
public record LatencySummary(long count, long p50Ms, long p99Ms, long p999Ms, long maxMs) {

  /**
   * Summarizes latencies after dropping the warm-up: the first {@code ceil(n * warmupFraction)}
   * values of the list (which is in the order the windows closed).
   *
   * @param latenciesMs latencies in ms, >= 0, in closing order
   * @param warmupFraction share of the first values to drop, 0 <= f < 1
   * @return the summary, or null when no value is left
   * @throws IllegalArgumentException on a negative latency or a fraction outside [0, 1)
   */
  public static LatencySummary of(List<Long> latenciesMs, double warmupFraction) {
    if (warmupFraction < 0 || warmupFraction >= 1) {
      throw new IllegalArgumentException("warm-up fraction must be in [0, 1): " + warmupFraction);
    }
    int skip = (int) Math.ceil(latenciesMs.size() * warmupFraction);
    Histogram h = new Histogram(3);
    for (long v : latenciesMs.subList(skip, latenciesMs.size())) {
      if (v < 0) {
        throw new IllegalArgumentException("negative latency " + v + " ms");
      }
      h.recordValue(v);
    }
    if (h.getTotalCount() == 0) {
      return null;
    }
    return new LatencySummary(
        h.getTotalCount(),
        h.getValueAtPercentile(50),
        h.getValueAtPercentile(99),
        h.getValueAtPercentile(99.9),
        h.getMaxValue());
  }
}
