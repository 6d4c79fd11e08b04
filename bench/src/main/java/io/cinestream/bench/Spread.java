package io.cinestream.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The median of repeated measurements with their min-max spread (the bench runs every job on every
 * engine {@code --runs} times, 3 by default, and reports this).
 *
 * @param median the middle value (the mean of the two middle values for an even count)
 * @param min the smallest value
 * @param max the largest value
 * @param count how many values
 */
public record Spread(double median, double min, double max, int count) {

  /**
   * The spread of some values.
   *
   * @param values at least one finite value, in any order
   * @return their median, min, max and count
   * @throws IllegalArgumentException when {@code values} is empty or holds a NaN or an infinity
   */
  public static Spread of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no values to take the median of");
    }
    List<Double> sorted = new ArrayList<>(values);
    for (double v : sorted) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("not a finite value: " + v + " in " + values);
      }
    }
    Collections.sort(sorted);
    int n = sorted.size();
    double median =
        n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    return new Spread(median, sorted.get(0), sorted.get(n - 1), n);
  }

  /**
   * The spread as text: {@code "median (min-max)"} with {@code decimals} decimals, e.g. {@code
   * "21825 (20110-23002)"}; only the median when there is one value.
   */
  public String format(int decimals) {
    String f = "%." + decimals + "f";
    if (count == 1) {
      return String.format(Locale.ROOT, f, median);
    }
    return String.format(Locale.ROOT, f + " (" + f + "-" + f + ")", median, min, max);
  }
}
