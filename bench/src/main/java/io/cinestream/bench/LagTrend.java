package io.cinestream.bench;

import java.util.List;

/**
 * Decides whether consumer lag stays flat in a rate-limited (open-loop) run: the least-squares
 * slope of lag over time, in events per second, must not exceed a tolerance. A job keeps up with
 * the offered rate exactly when its lag does not grow.
 */
public final class LagTrend {

  private LagTrend() {}

  /**
   * Least-squares slope of {@code lag} against {@code timeMs}, in events per second.
   *
   * @param timeMs sample times, ms (at least two distinct values)
   * @param lag consumer lag at each time, events
   * @throws IllegalArgumentException when the arrays differ in length or the times are all equal
   */
  public static double slopePerSecond(long[] timeMs, long[] lag) {
    if (timeMs.length != lag.length || timeMs.length < 2) {
      throw new IllegalArgumentException("need >= 2 samples of equal length");
    }
    double mt = 0;
    double ml = 0;
    for (int i = 0; i < timeMs.length; i++) {
      mt += timeMs[i];
      ml += lag[i];
    }
    mt /= timeMs.length;
    ml /= timeMs.length;
    double cov = 0;
    double var = 0;
    for (int i = 0; i < timeMs.length; i++) {
      cov += (timeMs[i] - mt) * (lag[i] - ml);
      var += (timeMs[i] - mt) * (timeMs[i] - mt);
    }
    if (var == 0) {
      throw new IllegalArgumentException("all samples at the same time");
    }
    return cov / var * 1000.0;
  }

  /**
   * Lag is flat when it grows by at most {@code tolerance} of the offered rate per second.
   *
   * @param timeMs sample times, ms
   * @param lag lag samples, events
   * @param offeredRate events per second offered by the producer
   * @param tolerance e.g. 0.02 for 2 % of the offered rate
   */
  public static boolean isFlat(long[] timeMs, long[] lag, double offeredRate, double tolerance) {
    return slopePerSecond(timeMs, lag) <= offeredRate * tolerance;
  }

  /**
   * One step of an open-loop run.
   *
   * @param rate offered events per second
   * @param flat whether lag stayed flat at that rate
   */
  public record Step(double rate, boolean flat) {}

  /**
   * The sustainable throughput: the highest offered rate whose lag stayed flat, provided every
   * lower rate was flat too (a flat step above a failed one is noise, not capacity).
   *
   * @param steps steps in ascending rate order
   * @return the rate, or 0 when even the lowest step fell behind
   */
  public static double sustainable(List<Step> steps) {
    double best = 0;
    for (Step s : steps) {
      if (!s.flat()) {
        break;
      }
      best = s.rate();
    }
    return best;
  }
}
