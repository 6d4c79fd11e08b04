package io.cinestream.spark.load;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one micro-batch write did, per raw table: rows offered to the table and rows it newly
 * inserted (offered minus duplicates and replays), or {@link #UNKNOWN} where the write path cannot
 * tell.
 *
 * @param offered rows offered per table; tables without rows are absent
 * @param inserted rows newly inserted per table, {@link #UNKNOWN} when not reported
 * @param writeMillis wall time of the write, in milliseconds
 */
public record BatchResult(
    Map<RawTable, Long> offered, Map<RawTable, Long> inserted, long writeMillis) {

  /** Inserted count of a write path that does not report one. */
  public static final long UNKNOWN = -1;

  /** Defensive copies. */
  public BatchResult {
    offered = Collections.unmodifiableMap(copy(offered));
    inserted = Collections.unmodifiableMap(copy(inserted));
  }

  private static Map<RawTable, Long> copy(Map<RawTable, Long> map) {
    return map.isEmpty() ? new EnumMap<>(RawTable.class) : new EnumMap<>(map);
  }

  /** Rows offered to all tables, dead letters included. */
  public long totalOffered() {
    return offered.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * @return e.g. {@code consumer_events=120/118 item_view_events=300/300 dead_letter_events=2/2}
   *     (offered/inserted, {@code ?} where unknown), or {@code no rows}
   */
  public String render() {
    if (offered.isEmpty()) {
      return "no rows";
    }
    return offered.entrySet().stream()
        .map(
            e -> {
              long in = inserted.getOrDefault(e.getKey(), UNKNOWN);
              return e.getKey().tableName()
                  + "="
                  + e.getValue()
                  + "/"
                  + (in == UNKNOWN ? "?" : Long.toString(in));
            })
        .collect(Collectors.joining(" "));
  }
}
