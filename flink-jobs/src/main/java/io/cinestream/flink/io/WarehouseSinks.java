package io.cinestream.flink.io;

import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.LateEvent;
import io.cinestream.flink.model.MovieSalesMetric;
import io.cinestream.flink.model.OrphanSignOuts;
import io.cinestream.flink.model.PricedSale;
import io.cinestream.flink.model.RegistrationMetric;
import io.cinestream.flink.model.SessionMetric;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * JDBC sinks of the metric tables (warehouse DDL {@code V3__metric_tables.sql}), every row with
 * {@code engine = 'flink'} and {@code emitted_at = now()}.
 *
 * <p><b>Delivery: idempotent upserts on the natural keys, at-least-once.</b> Each sink is the
 * connector's at-least-once {@link JdbcSink}: batches are flushed on every checkpoint, so every row
 * emitted before a completed checkpoint is in the table. After a failure the job restarts from the
 * last checkpoint and re-emits the rows computed since; each statement is {@code INSERT ... ON
 * CONFLICT (natural key) DO UPDATE} (metrics) or {@code DO NOTHING} (late events, dead letters),
 * and every metric value is a deterministic function of the event-time input (windows fire on the
 * watermark, not on arrival), so a replayed row overwrites its earlier copy with the same values.
 * The table therefore converges to exactly the rows of a failure-free run: exactly-once in effect,
 * without XA transactions (which would need {@code max_prepared_transactions} on the server and
 * hold rows invisible until each checkpoint). Only {@code emitted_at} shows the replay.
 */
public final class WarehouseSinks {

  /** The engine column value of every row this job writes. */
  public static final String ENGINE = "flink";

  private WarehouseSinks() {}

  /** Upserts into {@code user_registration_metrics} on (engine, window_type, window_start). */
  public static Sink<RegistrationMetric> registrationMetrics(String jdbcUrl) {
    return sink(
        jdbcUrl,
        "INSERT INTO user_registration_metrics (engine, window_type, window_start, window_end,"
            + " registration_count, emitted_at) VALUES ('flink', ?, ?, ?, ?, now())"
            + " ON CONFLICT (engine, window_type, window_start) DO UPDATE SET"
            + " window_end = EXCLUDED.window_end,"
            + " registration_count = EXCLUDED.registration_count,"
            + " emitted_at = EXCLUDED.emitted_at",
        (ps, m) -> {
          ps.setString(1, m.windowType());
          ps.setObject(2, utc(m.windowStartMs()));
          ps.setObject(3, utc(m.windowEndMs()));
          ps.setLong(4, m.registrationCount());
        });
  }

  /** Upserts into {@code session_metrics} on (engine, timestamp). */
  public static Sink<SessionMetric> sessionMetrics(String jdbcUrl) {
    return sink(
        jdbcUrl,
        "INSERT INTO session_metrics (engine, \"timestamp\", active_sessions_count,"
            + " average_session_duration_s, average_active_session_age_s, completed_sessions,"
            + " emitted_at) VALUES ('flink', ?, ?, ?, ?, ?, now())"
            + " ON CONFLICT (engine, \"timestamp\") DO UPDATE SET"
            + " active_sessions_count = EXCLUDED.active_sessions_count,"
            + " average_session_duration_s = EXCLUDED.average_session_duration_s,"
            + " average_active_session_age_s = EXCLUDED.average_active_session_age_s,"
            + " completed_sessions = EXCLUDED.completed_sessions,"
            + " emitted_at = EXCLUDED.emitted_at",
        (ps, m) -> {
          ps.setObject(1, utc(m.tickMs()));
          ps.setLong(2, m.activeSessions());
          setDouble(ps, 3, m.averageSessionDurationS());
          setDouble(ps, 4, m.averageActiveSessionAgeS());
          ps.setLong(5, m.completedSessions());
        });
  }

  /** Upserts into {@code orphan_sign_outs} on (engine, minute). */
  public static Sink<OrphanSignOuts> orphanSignOuts(String jdbcUrl) {
    return sink(
        jdbcUrl,
        "INSERT INTO orphan_sign_outs (engine, minute, orphan_count, emitted_at)"
            + " VALUES ('flink', ?, ?, now())"
            + " ON CONFLICT (engine, minute) DO UPDATE SET"
            + " orphan_count = EXCLUDED.orphan_count, emitted_at = EXCLUDED.emitted_at",
        (ps, m) -> {
          ps.setObject(1, utc(m.minuteMs()));
          ps.setLong(2, m.count());
        });
  }

  /**
   * Upserts into {@code movie_sales_metrics} on (engine, window_type, movie_id, window_start);
   * {@code total_sales} is bound as the exact {@link java.math.BigDecimal} of the cents.
   */
  public static Sink<MovieSalesMetric> movieSalesMetrics(String jdbcUrl) {
    return sink(
        jdbcUrl,
        "INSERT INTO movie_sales_metrics (engine, window_type, movie_id, window_start, window_end,"
            + " total_sales, units_sold, emitted_at) VALUES ('flink', ?, ?, ?, ?, ?, ?, now())"
            + " ON CONFLICT (engine, window_type, movie_id, window_start) DO UPDATE SET"
            + " window_end = EXCLUDED.window_end, total_sales = EXCLUDED.total_sales,"
            + " units_sold = EXCLUDED.units_sold, emitted_at = EXCLUDED.emitted_at",
        (ps, m) -> {
          ps.setString(1, m.windowType());
          ps.setString(2, m.movieId());
          ps.setObject(3, utc(m.windowStartMs()));
          ps.setObject(4, utc(m.windowEndMs()));
          ps.setBigDecimal(5, m.totalSales());
          ps.setLong(6, m.unitsSold());
        });
  }

  /**
   * Inserts into {@code late_events} if absent on (engine, job, event_id): the first sighting (with
   * the watermark it was behind) is kept.
   */
  public static Sink<LateEvent> lateEvents(String jdbcUrl) {
    return sink(
        jdbcUrl,
        "INSERT INTO late_events (engine, job, event_id, kafka_topic, event_time, watermark,"
            + " seen_at) VALUES ('flink', ?, ?, ?, ?, ?, now())"
            + " ON CONFLICT (engine, job, event_id) DO NOTHING",
        (ps, e) -> {
          ps.setString(1, e.job());
          ps.setObject(2, UUID.fromString(e.eventId()));
          ps.setString(3, e.topic());
          ps.setObject(4, utc(e.eventTimeMs()));
          if (e.watermarkMs() == null) {
            ps.setNull(5, Types.TIMESTAMP_WITH_TIMEZONE);
          } else {
            ps.setObject(5, utc(e.watermarkMs()));
          }
        });
  }

  /**
   * Inserts into {@code dead_letter_events} if absent on (topic, partition, offset): the Spark raw
   * loader writes the same rows with the same key, so whichever engine sees a bad record first
   * records it and the other changes nothing.
   */
  public static Sink<DeadLetter> deadLetters(String jdbcUrl) {
    return sink(
        jdbcUrl,
        "INSERT INTO dead_letter_events (kafka_topic, kafka_partition, kafka_offset, kafka_key,"
            + " raw_value_base64, error, seen_at) VALUES (?, ?, ?, ?, ?, ?, now())"
            + " ON CONFLICT (kafka_topic, kafka_partition, kafka_offset) DO NOTHING",
        (ps, d) -> {
          ps.setString(1, d.topic());
          ps.setInt(2, d.partition());
          ps.setLong(3, d.offset());
          ps.setString(4, d.key());
          ps.setString(5, d.rawValueBase64());
          ps.setString(6, d.error());
        });
  }

  /**
   * Upserts into {@code unpriced_sale_items} (V4) on (engine, movie_id, checkout_time): units sold
   * of a product without a catalogue price, which are not sales ({@code cents} is ignored: 0).
   */
  public static Sink<PricedSale> unpricedSaleItems(String jdbcUrl) {
    return sink(
        jdbcUrl,
        "INSERT INTO unpriced_sale_items (engine, movie_id, checkout_time, units, emitted_at)"
            + " VALUES ('flink', ?, ?, ?, now())"
            + " ON CONFLICT (engine, movie_id, checkout_time) DO UPDATE SET"
            + " units = EXCLUDED.units, emitted_at = EXCLUDED.emitted_at",
        (ps, u) -> {
          ps.setString(1, u.movieId());
          ps.setObject(2, utc(u.timeMs()));
          ps.setLong(3, u.units());
        });
  }

  private static <T> Sink<T> sink(String jdbcUrl, String sql, JdbcStatementBuilder<T> binder) {
    return JdbcSink.<T>builder()
        .withQueryStatement(sql, binder)
        .withExecutionOptions(
            JdbcExecutionOptions.builder()
                .withBatchSize(500)
                .withBatchIntervalMs(1000)
                .withMaxRetries(3)
                .build())
        .buildAtLeastOnce(
            new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(jdbcUrl)
                .withDriverName("org.postgresql.Driver")
                .build());
  }

  private static OffsetDateTime utc(long epochMs) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMs), ZoneOffset.UTC);
  }

  private static void setDouble(PreparedStatement ps, int index, Double value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.DOUBLE);
    } else {
      ps.setDouble(index, value);
    }
  }
}
