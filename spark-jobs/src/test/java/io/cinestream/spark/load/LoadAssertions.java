package io.cinestream.spark.load;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads the raw tables back in the rendering {@link LoadWorkload#expectedRows} uses. */
final class LoadAssertions {

  private LoadAssertions() {}

  /**
   * Every table's rows: event tables as their loaded columns joined by {@code |} (event time as
   * epoch milliseconds, null as {@code null}); dead letters as topic, partition, offset, key,
   * base64 value and the error's reason (the text before its first colon). Sorted.
   */
  static Map<RawTable, List<String>> tableRows(String jdbcUrl) throws SQLException {
    Map<RawTable, List<String>> rows = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement st = c.createStatement()) {
      for (RawTable table : RawTable.values()) {
        String select =
            table == RawTable.DEAD_LETTER_EVENTS
                ? "kafka_topic, kafka_partition, kafka_offset, kafka_key, raw_value_base64,"
                    + " split_part(error, ':', 1)"
                : table.columns().stream()
                    .map(
                        col ->
                            col.type() == RawTable.ColumnType.TIMESTAMPTZ
                                ? "(extract(epoch FROM " + col.name() + ") * 1000)::bigint"
                                : col.name())
                    .collect(Collectors.joining(", "));
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT " + select + " FROM " + table.tableName())) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            StringBuilder line = new StringBuilder();
            for (int i = 1; i <= n; i++) {
              if (i > 1) {
                line.append('|');
              }
              line.append(rs.getString(i));
            }
            out.add(line.toString());
          }
        }
        out.sort(null);
        rows.put(table, out);
      }
    }
    return rows;
  }

  /** Row count per table. */
  static Map<RawTable, Integer> counts(Map<RawTable, List<String>> rows) {
    Map<RawTable, Integer> counts = new LinkedHashMap<>();
    rows.forEach((t, r) -> counts.put(t, r.size()));
    return counts;
  }

  /** The latest {@code loaded_at} of every table, as text, to show a run changed nothing. */
  static Map<RawTable, String> lastLoadedAt(String jdbcUrl) throws SQLException {
    Map<RawTable, String> out = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement st = c.createStatement()) {
      for (RawTable table : RawTable.values()) {
        String column = table == RawTable.DEAD_LETTER_EVENTS ? "seen_at" : "loaded_at";
        try (ResultSet rs =
            st.executeQuery("SELECT max(" + column + ")::text FROM " + table.tableName())) {
          rs.next();
          out.put(table, rs.getString(1));
        }
      }
    }
    return out;
  }

  /** Empties every raw table. */
  static void truncate(String jdbcUrl) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement st = c.createStatement()) {
      for (RawTable table : RawTable.values()) {
        st.execute("TRUNCATE " + table.tableName());
      }
    }
  }
}
