package io.cinestream.verify;

import io.cinestream.schemas.warehouse.WindowType;
import io.cinestream.verify.model.RawEvent;
import io.cinestream.verify.model.RegistrationMetricRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reference user_registration_metrics (docs/metrics.md#registration-windows): for {@code
 * tumbling_1h} windows [h, h+1h) and {@code sliding_1h_15m} windows (1 h long, starting every 15
 * min, UTC-aligned), the number of distinct user ids among consumer_registration events with event
 * time in [start, end). Only windows with at least one registration produce a row.
 */
public final class RegistrationReference {

  /** Window type of the 1 h tumbling windows. */
  public static final String TUMBLING = WindowType.TUMBLING_1H.sqlName();

  /** Window type of the 1 h windows sliding by 15 min. */
  public static final String SLIDING = WindowType.SLIDING_1H_15M.sqlName();

  private static final long HOUR_MS = Duration.ofHours(1).toMillis();
  private static final long SLIDE_MS = Duration.ofMinutes(15).toMillis();

  private RegistrationReference() {}

  /**
   * Computes the rows.
   *
   * @param events raw events in any order; events other than consumer_registration are ignored,
   *     duplicates (same event_id) are dropped first
   * @return tumbling rows by window start, then sliding rows by window start
   */
  public static List<RegistrationMetricRow> compute(List<RawEvent> events) {
    Map<Long, Set<Integer>> tumbling = new TreeMap<>();
    Map<Long, Set<Integer>> sliding = new TreeMap<>();
    for (RawEvent e : Deduplication.distinctByEventId(events)) {
      if (!RawEvent.REGISTRATION.equals(e.eventName())) {
        continue;
      }
      long t = e.eventTime().toEpochMilli();
      tumbling
          .computeIfAbsent(Math.floorDiv(t, HOUR_MS) * HOUR_MS, k -> new HashSet<>())
          .add(e.userId());
      // Every 15-min-aligned start s with s <= t < s + 1h.
      long lastStart = Math.floorDiv(t, SLIDE_MS) * SLIDE_MS;
      for (long s = lastStart; s > t - HOUR_MS; s -= SLIDE_MS) {
        sliding.computeIfAbsent(s, k -> new HashSet<>()).add(e.userId());
      }
    }
    List<RegistrationMetricRow> rows = new ArrayList<>();
    addRows(rows, TUMBLING, tumbling);
    addRows(rows, SLIDING, sliding);
    return rows;
  }

  private static void addRows(
      List<RegistrationMetricRow> rows, String type, Map<Long, Set<Integer>> users) {
    users.forEach(
        (start, ids) ->
            rows.add(
                new RegistrationMetricRow(
                    type,
                    Instant.ofEpochMilli(start),
                    Instant.ofEpochMilli(start + HOUR_MS),
                    ids.size())));
  }
}
