package io.cinestream.spark.metrics;

import io.cinestream.schemas.warehouse.Engine;
import io.cinestream.schemas.warehouse.OutputTable;
import io.cinestream.schemas.warehouse.SqlDialect;
import io.cinestream.schemas.warehouse.TableWriter;
import io.cinestream.schemas.warehouse.WarehouseConnections;
import io.cinestream.spark.metrics.MovieSalesMetrics.SalesRow;
import io.cinestream.spark.metrics.SessionMetrics.SessionRow;
import java.io.Serializable;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.spark.sql.Row;

/**
 * Writes the Spark metric rows into the warehouse metric tables of docs/metrics.md with {@code
 * engine = 'spark'}: one transaction per micro-batch, each row with its table's one write statement
 * ({@link SqlDialect#writeStatement}: PostgreSQL {@code INSERT ... ON CONFLICT (natural key) DO
 * UPDATE}, or Snowflake {@code MERGE} for a {@code jdbc:snowflake:} URL), so a replayed or
 * re-emitted row replaces the earlier one and a restarted query converges to the same rows. Runs on
 * the driver, in {@code foreachBatch}: metric rows are few (windows, minutes, movie-days), not
 * events. Credentials missing from the URL come from the environment ({@link
 * WarehouseConnections}).
 */
public final class MetricsWriter implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The engine column of every row written here. */
  public static final String ENGINE = Engine.SPARK.sqlName();

  private final String jdbcUrl;
  private final Properties properties;
  private final SqlDialect dialect;

  /**
   * @param jdbcUrl PostgreSQL or Snowflake JDBC URL of the warehouse
   * @param properties extra connection properties (e.g. password); may be empty
   * @throws IllegalArgumentException when the URL is neither PostgreSQL nor Snowflake
   */
  public MetricsWriter(String jdbcUrl, Properties properties) {
    this.jdbcUrl = jdbcUrl;
    this.properties = properties;
    this.dialect = SqlDialect.forJdbcUrl(jdbcUrl);
  }

  /**
   * Upserts registration rows.
   *
   * @param rows {@code window_type}, {@code window_start}, {@code window_end} (timestamps), {@code
   *     registration_count} (long), as {@link RegistrationMetrics#withWindowTypes} returns them
   * @return rows written
   * @throws SQLException on a database error (the transaction is rolled back, the batch fails)
   */
  public int writeRegistrations(List<Row> rows) throws SQLException {
    List<Object[]> values = new ArrayList<>();
    for (Row r : rows) {
      values.add(
          new Object[] {
            ENGINE,
            r.getString(0),
            r.getTimestamp(1).toInstant(),
            r.getTimestamp(2).toInstant(),
            r.getLong(3)
          });
    }
    return inTransaction(w -> w.write(OutputTable.USER_REGISTRATION_METRICS, values), rows.size());
  }

  /**
   * Upserts session_metrics and orphan_sign_outs rows.
   *
   * @param rows rows of {@link SessionMetrics#rows}
   * @return rows written
   * @throws SQLException on a database error (rolled back)
   */
  public int writeSessions(List<SessionRow> rows) throws SQLException {
    List<Object[]> ticks = new ArrayList<>();
    List<Object[]> orphans = new ArrayList<>();
    for (SessionRow r : rows) {
      Instant time = Instant.ofEpochMilli(r.getTimeMs());
      if (SessionMetrics.TICK.equals(r.getKind())) {
        ticks.add(
            new Object[] {
              ENGINE,
              time,
              r.getActiveSessions(),
              r.getAverageSessionDurationS(),
              r.getAverageActiveSessionAgeS(),
              r.getCompletedSessions()
            });
      } else {
        orphans.add(new Object[] {ENGINE, time, r.getOrphanCount()});
      }
    }
    return inTransaction(
        w -> {
          w.write(OutputTable.ORPHAN_SIGN_OUTS, orphans);
          w.write(OutputTable.SESSION_METRICS, ticks);
        },
        rows.size());
  }

  /**
   * Upserts movie_sales_metrics rows; {@code total_sales} = cents / 100, scale 2 (exact).
   *
   * @param rows rows of {@link MovieSalesMetrics#rows}; for one key the last row wins
   * @return rows written
   * @throws SQLException on a database error (rolled back)
   */
  public int writeSales(List<SalesRow> rows) throws SQLException {
    List<Object[]> values = new ArrayList<>();
    for (SalesRow r : rows) {
      values.add(
          new Object[] {
            ENGINE,
            r.getWindowType(),
            r.getMovieId(),
            Instant.ofEpochMilli(r.getWindowStartMs()),
            Instant.ofEpochMilli(r.getWindowEndMs()),
            dollars(r.getTotalCents()),
            r.getUnitsSold()
          });
    }
    return inTransaction(w -> w.write(OutputTable.MOVIE_SALES_METRICS, values), rows.size());
  }

  /**
   * Inserts late_events rows (insert-if-absent on (engine, job, event_id), like Flink's late sink).
   *
   * @param rows rows of {@link LateEvents#rows}
   * @return rows offered
   * @throws SQLException on a database error (rolled back)
   */
  public int writeLateEvents(List<LateEvents.LateRow> rows) throws SQLException {
    List<Object[]> values = new ArrayList<>();
    for (LateEvents.LateRow r : rows) {
      values.add(
          new Object[] {
            ENGINE,
            r.getJob(),
            r.getEventId(),
            r.getTopic(),
            Instant.ofEpochMilli(r.getEventTimeMs()),
            Instant.ofEpochMilli(r.getWatermarkMs())
          });
    }
    return inTransaction(w -> w.write(OutputTable.LATE_EVENTS, values), rows.size());
  }

  /** Integer cents as dollars with scale 2, e.g. 1999 -> 19.99. */
  public static BigDecimal dollars(long cents) {
    return BigDecimal.valueOf(cents, 2);
  }

  private interface Writes {
    void run(TableWriter writer) throws SQLException;
  }

  private int inTransaction(Writes writes, int count) throws SQLException {
    try (Connection c = connect()) {
      try {
        writes.run(new TableWriter(c, dialect));
        c.commit();
        return count;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private Connection connect() throws SQLException {
    Properties all = WarehouseConnections.properties(jdbcUrl, System.getenv());
    all.putAll(properties);
    Driver driver;
    try {
      driver = (Driver) Class.forName(dialect.driverClass()).getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new SQLException(
          "JDBC driver " + dialect.driverClass() + " is not on the classpath", e);
    }
    Connection c = driver.connect(jdbcUrl, all);
    if (c == null) {
      throw new SQLException("the " + dialect + " driver does not accept the warehouse URL");
    }
    c.setAutoCommit(false);
    return c;
  }

  @Override
  public String toString() {
    // The URL may hold a password.
    return "MetricsWriter(" + dialect + ")";
  }
}
