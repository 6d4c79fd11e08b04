package io.cinestream.generator.sim;

import java.util.SplittableRandom;

/** Random variates used by the simulation; every method consumes a fixed number of draws. */
public final class Distributions {

  private Distributions() {}

  /**
   * Exponential variate (inverse transform).
   *
   * @param mean the mean, same unit as the result
   */
  public static double exponential(SplittableRandom r, double mean) {
    return -mean * Math.log(1.0 - r.nextDouble());
  }

  /**
   * Log-normal variate: {@code median * exp(sigma * Z)}, Z standard normal (Box-Muller, two draws).
   * Its mean is {@code median * exp(sigma^2 / 2)}.
   *
   * @param median the median, same unit as the result
   * @param sigma standard deviation of the underlying normal
   */
  public static double logNormal(SplittableRandom r, double median, double sigma) {
    return median * Math.exp(sigma * standardNormal(r));
  }

  /** Standard normal variate (Box-Muller, two draws). */
  public static double standardNormal(SplittableRandom r) {
    double u1 = 1.0 - r.nextDouble(); // in (0, 1], so the log is finite
    double u2 = r.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  /**
   * Index drawn from a discrete distribution (one draw).
   *
   * @param cumulative cumulative weights, increasing, last one the total
   * @return i with probability {@code (cumulative[i] - cumulative[i-1]) / total}
   */
  public static int pick(SplittableRandom r, double[] cumulative) {
    double u = r.nextDouble() * cumulative[cumulative.length - 1];
    for (int i = 0; i < cumulative.length; i++) {
      if (u < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }

  /** Running sums of {@code weights}: the input of {@link #pick}. */
  public static double[] cumulative(double... weights) {
    double[] c = new double[weights.length];
    double sum = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += weights[i];
      c[i] = sum;
    }
    return c;
  }
}
