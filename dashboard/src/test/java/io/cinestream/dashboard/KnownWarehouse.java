package io.cinestream.dashboard;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A warehouse with hand-written rows; the figures the tests expect are worked out in their comments
 * from these rows.
 */
final class KnownWarehouse {

  /**
   * The wall clock of the tests: four minutes after the newest flink/spark session tick (12:01).
   */
  static final Clock CLOCK = Clock.fixed(Instant.parse("2024-01-01T12:05:00Z"), ZoneOffset.UTC);

  private KnownWarehouse() {}

  static void fill(String jdbcUrl) throws Exception {
    sql(
        jdbcUrl,
        "INSERT INTO session_metrics (engine, \"timestamp\", active_sessions_count,"
            + " average_session_duration_s, completed_sessions) VALUES"
            + " ('flink', '2024-01-01T12:00:00Z', 5, 120.0, 1),"
            + " ('flink', '2024-01-01T12:01:00Z', 7, 150.0, 2),"
            + " ('spark', '2024-01-01T12:00:00Z', 5, 120.0, 1),"
            + " ('spark', '2024-01-01T12:01:00Z', 6, 150.0, 2),"
            + " ('reference', '2024-01-01T12:02:00Z', 9, 1.0, 1)");
    sql(
        jdbcUrl,
        "INSERT INTO user_registration_metrics (engine, window_type, window_start, window_end,"
            + " registration_count) VALUES"
            + " ('flink', 'tumbling_1h', '2024-01-01T10:00:00Z', '2024-01-01T11:00:00Z', 3),"
            + " ('spark', 'tumbling_1h', '2024-01-01T10:00:00Z', '2024-01-01T11:00:00Z', 3),"
            + " ('flink_sql', 'tumbling_1h', '2024-01-01T11:00:00Z', '2024-01-01T12:00:00Z', 9),"
            + " ('flink', 'sliding_1h_15m', '2024-01-01T09:45:00Z', '2024-01-01T10:45:00Z', 2),"
            + " ('spark', 'sliding_1h_15m', '2024-01-01T09:45:00Z', '2024-01-01T10:45:00Z', 1)");
    sql(
        jdbcUrl,
        "INSERT INTO movies_catalog (item_id, title, list_price_cents) VALUES"
            + " ('m1', 'One', 1999), ('m2', 'Two', 1999)");
    // Flink has closed 2023-12-31; Spark too, and it also upserts the day still open (2024-01-01).
    sql(
        jdbcUrl,
        "INSERT INTO movie_sales_metrics (engine, window_type, movie_id, window_start, window_end,"
            + " total_sales, units_sold) VALUES"
            + " ('flink', 'daily', 'm1', '2023-12-31T00:00:00Z', '2024-01-01T00:00:00Z', 99.95, 5),"
            + " ('spark', 'daily', 'm1', '2023-12-31T00:00:00Z', '2024-01-01T00:00:00Z', 99.95, 5),"
            + " ('spark', 'daily', 'm1', '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z', 19.99, 1),"
            + " ('spark', 'daily', 'm2', '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z', 39.98, 2)");
    sql(
        jdbcUrl,
        "INSERT INTO late_events (engine, job, event_id, kafka_topic, event_time) VALUES"
            + " ('flink', 'session-metrics', '00000000-0000-4000-8000-000000000001', 'sign_in',"
            + "  '2024-01-01T11:00:00Z'),"
            + " ('flink', 'session-metrics', '00000000-0000-4000-8000-000000000002', 'sign_in',"
            + "  '2024-01-01T11:00:00Z'),"
            + " ('spark', 'session-metrics', '00000000-0000-4000-8000-000000000001', 'sign_in',"
            + "  '2024-01-01T11:00:00Z'),"
            + " ('reference', 'session-metrics', '00000000-0000-4000-8000-000000000003',"
            + "  'sign_in', '2024-01-01T11:00:00Z')");
    sql(
        jdbcUrl,
        "INSERT INTO dead_letter_events (kafka_topic, kafka_partition, kafka_offset, error) VALUES"
            + " ('sign_in', 0, 1, 'BAD_MAGIC_BYTE: sign_in-0@1: first byte 7'),"
            + " ('sign_in', 0, 2, 'BAD_MAGIC_BYTE: sign_in-0@2: first byte 9'),"
            + " ('sign_out', 1, 5, 'BAD_AVRO: sign_out-1@5: truncated')");
    sql(
        jdbcUrl,
        "INSERT INTO consumer_events (event_id, event_name, user_id, event_time, kafka_topic,"
            + " kafka_partition, kafka_offset) VALUES ('00000000-0000-4000-8000-0000000000aa',"
            + " 'sign_in', 1, '2024-01-01T11:59:00Z', 'sign_in', 0, 3)");
  }

  private static void sql(String jdbcUrl, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
