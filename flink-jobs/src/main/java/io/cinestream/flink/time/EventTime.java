package io.cinestream.flink.time;

import java.time.Duration;
import java.time.Instant;

/**
 * UTC-aligned event-time arithmetic shared by the jobs (docs/metrics.md#watermark). All values are
 * UTC milliseconds since the epoch; the epoch is a UTC midnight, so alignment to multiples of a
 * minute or a day is alignment in UTC.
 */
public final class EventTime {

  /** One minute in ms. */
  public static final long MINUTE_MS = Duration.ofMinutes(1).toMillis();

  /** One UTC day in ms (UTC has no DST). */
  public static final long DAY_MS = Duration.ofDays(1).toMillis();

  /** One week in ms. */
  public static final long WEEK_MS = Duration.ofDays(7).toMillis();

  /**
   * Offset of ISO weeks from the epoch: 1970-01-01 was a Thursday, the first Monday 00:00 UTC is 4
   * days later.
   */
  public static final long ISO_WEEK_OFFSET_MS = Duration.ofDays(4).toMillis();

  private EventTime() {}

  /** The minute boundary at or before {@code t}. */
  public static long floorMinute(long t) {
    return Math.floorDiv(t, MINUTE_MS) * MINUTE_MS;
  }

  /** The first minute boundary at or after {@code t} (t itself when it is a boundary). */
  public static long ceilMinute(long t) {
    return -Math.floorDiv(-t, MINUTE_MS) * MINUTE_MS;
  }

  /** UTC midnight at or before {@code t}. */
  public static long dayStart(long t) {
    return Math.floorDiv(t, DAY_MS) * DAY_MS;
  }

  /** Monday 00:00 UTC at or before {@code t} (ISO week start). */
  public static long isoWeekStart(long t) {
    return Math.floorDiv(t - ISO_WEEK_OFFSET_MS, WEEK_MS) * WEEK_MS + ISO_WEEK_OFFSET_MS;
  }

  /** ISO-8601 UTC text of {@code t}, for logs and errors. */
  public static String iso(long t) {
    return Instant.ofEpochMilli(t).toString();
  }
}
