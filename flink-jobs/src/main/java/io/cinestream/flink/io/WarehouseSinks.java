package io.cinestream.flink.io;

import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.LateEvent;
import io.cinestream.flink.model.MovieSalesMetric;
import io.cinestream.flink.model.OrphanSignOuts;
import io.cinestream.flink.model.PricedSale;
import io.cinestream.flink.model.RegistrationMetric;
import io.cinestream.flink.model.SessionMetric;
import io.cinestream.schemas.warehouse.Engine;
import io.cinestream.schemas.warehouse.OutputTable;
import io.cinestream.schemas.warehouse.SqlDialect;
import io.cinestream.schemas.warehouse.WarehouseConnections;
import java.io.Serializable;
import java.time.Instant;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;

/**
 * JDBC sinks of the engine output tables ({@link OutputTable}: the metric tables, late events and
 * dead letters), every row with {@code engine = 'flink'} (the SQL peer jobs: {@code 'flink_sql'})
 * and its stamp column set by the warehouse. The statement is the one {@link SqlDialect} generates
 * for the URL's warehouse: PostgreSQL {@code INSERT ... ON CONFLICT} or Snowflake {@code MERGE}
 * ({@code jdbc:snowflake://}, snowflake-jdbc is in the job jar). Credentials missing from the URL
 * come from the environment ({@link WarehouseConnections}), never from the command line.
 *
 * <p><b>Delivery: idempotent upserts on the natural keys, at-least-once.</b> Each sink is the
 * connector's at-least-once {@link JdbcSink}: batches are flushed on every checkpoint, so every row
 * emitted before a completed checkpoint is in the table. After a failure the job restarts from the
 * last checkpoint and re-emits the rows computed since; each statement upserts on the natural key
 * (metrics) or inserts if absent (late events, dead letters), and every metric value is a
 * deterministic function of the event-time input (windows fire on the watermark, not on arrival),
 * so a replayed row overwrites its earlier copy with the same values. The table therefore converges
 * to exactly the rows of a failure-free run: exactly-once in effect, without XA transactions (which
 * would need {@code max_prepared_transactions} on the server and hold rows invisible until each
 * checkpoint). Only {@code emitted_at} shows the replay.
 */
public final class WarehouseSinks {

  /** The engine column value of every row this job writes. */
  public static final String ENGINE = Engine.FLINK.sqlName();

  private WarehouseSinks() {}

  /** Upserts into {@code user_registration_metrics} on (engine, window_type, window_start). */
  public static Sink<RegistrationMetric> registrationMetrics(String jdbcUrl) {
    return registrationMetrics(jdbcUrl, ENGINE);
  }

  /**
   * {@link #registrationMetrics(String)} with another {@code engine} column value.
   *
   * @param jdbcUrl warehouse JDBC URL
   * @param engine the {@code engine} of every row, e.g. {@code flink_sql} for the SQL peer jobs
   */
  public static Sink<RegistrationMetric> registrationMetrics(String jdbcUrl, String engine) {
    return sink(
        jdbcUrl,
        OutputTable.USER_REGISTRATION_METRICS,
        m ->
            new Object[] {
              engine,
              m.windowType(),
              utc(m.windowStartMs()),
              utc(m.windowEndMs()),
              m.registrationCount()
            });
  }

  /** Upserts into {@code session_metrics} on (engine, timestamp). */
  public static Sink<SessionMetric> sessionMetrics(String jdbcUrl) {
    return sink(
        jdbcUrl,
        OutputTable.SESSION_METRICS,
        m ->
            new Object[] {
              ENGINE,
              utc(m.tickMs()),
              m.activeSessions(),
              m.averageSessionDurationS(),
              m.averageActiveSessionAgeS(),
              m.completedSessions()
            });
  }

  /** Upserts into {@code orphan_sign_outs} on (engine, minute). */
  public static Sink<OrphanSignOuts> orphanSignOuts(String jdbcUrl) {
    return sink(
        jdbcUrl,
        OutputTable.ORPHAN_SIGN_OUTS,
        m -> new Object[] {ENGINE, utc(m.minuteMs()), m.count()});
  }

  /**
   * Upserts into {@code movie_sales_metrics} on (engine, window_type, movie_id, window_start);
   * {@code total_sales} is the exact {@link java.math.BigDecimal} of the cents.
   */
  public static Sink<MovieSalesMetric> movieSalesMetrics(String jdbcUrl) {
    return movieSalesMetrics(jdbcUrl, ENGINE);
  }

  /**
   * {@link #movieSalesMetrics(String)} with another {@code engine} column value.
   *
   * @param jdbcUrl warehouse JDBC URL
   * @param engine the {@code engine} of every row, e.g. {@code flink_sql} for the SQL peer jobs
   */
  public static Sink<MovieSalesMetric> movieSalesMetrics(String jdbcUrl, String engine) {
    return sink(
        jdbcUrl,
        OutputTable.MOVIE_SALES_METRICS,
        m ->
            new Object[] {
              engine,
              m.windowType(),
              m.movieId(),
              utc(m.windowStartMs()),
              utc(m.windowEndMs()),
              m.totalSales(),
              m.unitsSold()
            });
  }

  /**
   * Upserts into {@code unpriced_sale_items} (V4) on (engine, movie_id, checkout_time): units sold
   * of a product without a catalogue price, which are not sales ({@code cents} is ignored: 0).
   */
  public static Sink<PricedSale> unpricedSaleItems(String jdbcUrl) {
    return unpricedSaleItems(jdbcUrl, ENGINE);
  }

  /**
   * {@link #unpricedSaleItems(String)} with another {@code engine} column value.
   *
   * @param jdbcUrl warehouse JDBC URL
   * @param engine the {@code engine} of every row, e.g. {@code flink_sql} for the SQL peer jobs
   */
  public static Sink<PricedSale> unpricedSaleItems(String jdbcUrl, String engine) {
    return sink(
        jdbcUrl,
        OutputTable.UNPRICED_SALE_ITEMS,
        u -> new Object[] {engine, u.movieId(), utc(u.timeMs()), u.units()});
  }

  /**
   * Inserts into {@code late_events} if absent on (engine, job, event_id): the first sighting (with
   * the watermark it was behind) is kept.
   */
  public static Sink<LateEvent> lateEvents(String jdbcUrl) {
    return lateEvents(jdbcUrl, ENGINE);
  }

  /**
   * {@link #lateEvents(String)} with another {@code engine} column value.
   *
   * @param jdbcUrl warehouse JDBC URL
   * @param engine the {@code engine} of every row, e.g. {@code flink_sql} for the SQL peer jobs
   */
  public static Sink<LateEvent> lateEvents(String jdbcUrl, String engine) {
    return sink(
        jdbcUrl,
        OutputTable.LATE_EVENTS,
        e ->
            new Object[] {
              engine,
              e.job(),
              e.eventId(),
              e.topic(),
              utc(e.eventTimeMs()),
              e.watermarkMs() == null ? null : utc(e.watermarkMs())
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
        OutputTable.DEAD_LETTER_EVENTS,
        d ->
            new Object[] {
              d.topic(), d.partition(), d.offset(), d.key(), d.rawValueBase64(), d.error()
            });
  }

  /** A record's values in {@link OutputTable#columns()} order. */
  @FunctionalInterface
  interface RowOf<T> extends Serializable {
    Object[] row(T record);
  }

  /**
   * How long a row may wait in a sink's batch before it is written (a full batch of 500 rows is
   * written at once), ms: PostgreSQL 200, which keeps a metric row's window-to-sink p99 under 500
   * ms (docs/benchmark.md#sink-flush-interval; it was 1,000 ms and the p99 about 900 ms); Snowflake
   * 1,000, since each commit there writes new micro-partitions and costs warehouse time.
   */
  static long flushIntervalMs(SqlDialect dialect) {
    return dialect == SqlDialect.SNOWFLAKE ? 1000 : 200;
  }

  private static <T> Sink<T> sink(String jdbcUrl, OutputTable table, RowOf<T> rowOf) {
    SqlDialect dialect = SqlDialect.forJdbcUrl(jdbcUrl);
    JdbcConnectionOptions.JdbcConnectionOptionsBuilder connection =
        new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
            .withUrl(jdbcUrl)
            .withDriverName(dialect.driverClass());
    WarehouseConnections.properties(jdbcUrl, System.getenv())
        .forEach((k, v) -> connection.withProperty((String) k, (String) v));
    JdbcStatementBuilder<T> binder = (ps, record) -> dialect.bind(ps, table, rowOf.row(record));
    return JdbcSink.<T>builder()
        .withQueryStatement(dialect.writeStatement(table), binder)
        .withExecutionOptions(
            JdbcExecutionOptions.builder()
                .withBatchSize(500)
                .withBatchIntervalMs(flushIntervalMs(dialect))
                .withMaxRetries(3)
                .build())
        .buildAtLeastOnce(connection.build());
  }

  private static Instant utc(long epochMs) {
    return Instant.ofEpochMilli(epochMs);
  }
}
