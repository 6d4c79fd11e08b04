package io.cinestream.generator.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * When users register: a daily curve over the UTC hour of day,
 *
 * <pre>
 *   rate(h) ~ 1 + A * cos(2 * pi * (h - PEAK) / 24),   A = 0.6, PEAK = 20.0 (h in hours, UTC)
 * </pre>
 *
 * so registrations per hour peak at 20:00 UTC at 1.6 times the daily mean and bottom out at 08:00
 * UTC at 0.4 times it (a 4:1 evening-to-morning ratio, the usual shape of consumer traffic). Over a
 * window of {@code H} hours, the expected registrations in hour {@code h} are {@code users *
 * rate(h) / sum of rate over the window}; times are drawn by rejection sampling against the curve.
 */
public final class RegistrationCurve {

  /** Amplitude A of the daily curve. */
  public static final double AMPLITUDE = 0.6;

  /** Peak hour of day, UTC. */
  public static final double PEAK_HOUR_UTC = 20.0;

  private static final double MS_PER_HOUR = 3_600_000.0;

  private RegistrationCurve() {}

  /**
   * Relative registration rate at an instant (1.0 = the daily mean).
   *
   * @param epochMillis UTC ms
   */
  public static double rate(long epochMillis) {
    double hourOfDay = Math.floorMod(epochMillis, 86_400_000L) / MS_PER_HOUR;
    return 1.0 + AMPLITUDE * Math.cos(2 * Math.PI * (hourOfDay - PEAK_HOUR_UTC) / 24.0);
  }

  /**
   * Draws {@code count} registration times in {@code [startMs, startMs + windowMs)}, sorted.
   *
   * @param random the population stream
   * @return UTC ms, ascending
   * @throws IllegalArgumentException when the window is not positive
   */
  public static long[] draw(int count, long startMs, long windowMs, SplittableRandom random) {
    if (windowMs <= 0) {
      throw new IllegalArgumentException("window must be positive, got " + windowMs + " ms");
    }
    long[] times = new long[count];
    double max = 1.0 + AMPLITUDE;
    for (int i = 0; i < count; i++) {
      long t;
      do {
        t = startMs + (long) (random.nextDouble() * windowMs);
      } while (random.nextDouble() * max >= rate(t));
      times[i] = t;
    }
    Arrays.sort(times);
    return times;
  }
}
