package io.cinestream.spark.metrics;

import io.cinestream.schemas.warehouse.WindowType;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One movie's sales per UTC day, in plain Java: the keyed state of the Spark sales query ({@link
 * MovieSalesMetrics}), testable without Spark.
 *
 * <p>{@link #add} takes a micro-batch's priced units and returns the rows that changed: the {@code
 * daily} row of every day that got a unit, the {@code weekly} row of its ISO week (Monday 00:00
 * UTC), and the {@code cumulative} row of every kept day on which the movie sold from the earliest
 * changed day on (a unit that arrives out of order changes the running totals after it). Rows are
 * upserted downstream, so a re-emitted row replaces the earlier value. Days are forgotten once
 * their week ended more than {@link #RETENTION_MS} before the watermark (no on-time unit can reach
 * them), their totals folded into a base so the running total stays exact.
 */
public final class MovieBook implements Serializable {

  private static final long serialVersionUID = 1L;

  /** One UTC day in ms. */
  public static final long DAY_MS = 86_400_000L;

  /** One week in ms. */
  public static final long WEEK_MS = 7 * DAY_MS;

  /** The epoch was a Thursday: ISO weeks start 4 days after it. */
  public static final long ISO_WEEK_OFFSET_MS = 4 * DAY_MS;

  /**
   * How far behind the watermark a kept day's week may end: the 24 h cart look-back plus a margin
   * (a sale's time is its checkout's, itself on time).
   */
  public static final long RETENTION_MS = 2 * DAY_MS;

  /** One changed metric row: totals in integer cents and units. */
  public record Change(String windowType, long startMs, long endMs, long cents, long units)
      implements Serializable {}

  private final TreeMap<Long, long[]> days = new TreeMap<>();
  private long baseCents;
  private long baseUnits;

  /**
   * Adds priced units and reports the changed rows.
   *
   * @param units (checkout time UTC ms, list price cents) per unit sold
   * @param watermarkMs the operator's watermark (UTC ms), or Long.MIN_VALUE when unknown (nothing
   *     is then forgotten)
   * @return changed daily, weekly and cumulative rows (empty when {@code units} is empty)
   * @throws ArithmeticException when a total overflows a long
   */
  public List<Change> add(List<long[]> units, long watermarkMs) {
    TreeSet<Long> changedDays = new TreeSet<>();
    for (long[] u : units) {
      long day = floor(u[0], DAY_MS, 0);
      long[] totals = days.computeIfAbsent(day, d -> new long[2]);
      totals[0] = Math.addExact(totals[0], u[1]);
      totals[1]++;
      changedDays.add(day);
    }
    List<Change> changes = new ArrayList<>();
    TreeSet<Long> changedWeeks = new TreeSet<>();
    for (long day : changedDays) {
      long[] t = days.get(day);
      changes.add(new Change(WindowType.DAILY.sqlName(), day, day + DAY_MS, t[0], t[1]));
      changedWeeks.add(floor(day, WEEK_MS, ISO_WEEK_OFFSET_MS));
    }
    for (long week : changedWeeks) {
      long cents = 0;
      long count = 0;
      for (long[] t : days.subMap(week, week + WEEK_MS).values()) {
        cents = Math.addExact(cents, t[0]);
        count += t[1];
      }
      changes.add(new Change(WindowType.WEEKLY.sqlName(), week, week + WEEK_MS, cents, count));
    }
    if (!changedDays.isEmpty()) {
      long cents = baseCents;
      long count = baseUnits;
      for (Map.Entry<Long, long[]> d : days.entrySet()) {
        cents = Math.addExact(cents, d.getValue()[0]);
        count += d.getValue()[1];
        if (d.getKey() >= changedDays.first()) {
          changes.add(
              new Change(
                  WindowType.CUMULATIVE.sqlName(), d.getKey(), d.getKey() + DAY_MS, cents, count));
        }
      }
    }
    forget(watermarkMs);
    return changes;
  }

  /** Days kept (for tests). */
  public int keptDays() {
    return days.size();
  }

  private void forget(long watermarkMs) {
    if (watermarkMs == Long.MIN_VALUE) {
      return;
    }
    while (!days.isEmpty()) {
      long day = days.firstKey();
      long weekEnd = floor(day, WEEK_MS, ISO_WEEK_OFFSET_MS) + WEEK_MS;
      if (weekEnd + RETENTION_MS > watermarkMs) {
        return;
      }
      long[] t = days.remove(day);
      baseCents = Math.addExact(baseCents, t[0]);
      baseUnits += t[1];
    }
  }

  /** The start of the period of length {@code size} (aligned at {@code offset}) holding t. */
  static long floor(long t, long size, long offset) {
    return Math.floorDiv(t - offset, size) * size + offset;
  }
}
