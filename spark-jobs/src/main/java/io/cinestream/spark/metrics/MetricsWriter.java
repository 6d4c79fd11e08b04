package io.cinestream.spark.metrics;

import io.cinestream.spark.metrics.MovieSalesMetrics.SalesRow;
import io.cinestream.spark.metrics.SessionMetrics.SessionRow;
import java.io.Serializable;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import org.apache.spark.sql.Row;

/**
 * Writes the Spark metric rows into the warehouse metric tables of DESIGN section 5 (migration
 * {@code V3__metric_tables.sql}) with {@code engine = 'spark'}: one transaction per micro-batch,
 * {@code INSERT ... ON CONFLICT (natural key) DO UPDATE}, so a replayed or re-emitted row replaces
 * the earlier one and a restarted query converges to the same rows. Runs on the driver, in {@code
 * foreachBatch}: metric rows are few (windows, minutes, movie-days), not events.
 */
public final class MetricsWriter implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The engine column of every row written here. */
  public static final String ENGINE = "spark";

  private static final String REGISTRATION_SQL =
      "INSERT INTO user_registration_metrics (engine, window_type, window_start, window_end,"
          + " registration_count, emitted_at) VALUES ('spark', ?, ?, ?, ?, now())"
          + " ON CONFLICT (engine, window_type, window_start) DO UPDATE SET"
          + " window_end = EXCLUDED.window_end, registration_count = EXCLUDED.registration_count,"
          + " emitted_at = EXCLUDED.emitted_at";

  private static final String SESSION_SQL =
      "INSERT INTO session_metrics (engine, \"timestamp\", active_sessions_count,"
          + " average_session_duration_s, average_active_session_age_s, completed_sessions,"
          + " emitted_at) VALUES ('spark', ?, ?, ?, ?, ?, now())"
          + " ON CONFLICT (engine, \"timestamp\") DO UPDATE SET"
          + " active_sessions_count = EXCLUDED.active_sessions_count,"
          + " average_session_duration_s = EXCLUDED.average_session_duration_s,"
          + " average_active_session_age_s = EXCLUDED.average_active_session_age_s,"
          + " completed_sessions = EXCLUDED.completed_sessions, emitted_at = EXCLUDED.emitted_at";

  private static final String ORPHAN_SQL =
      "INSERT INTO orphan_sign_outs (engine, minute, orphan_count, emitted_at)"
          + " VALUES ('spark', ?, ?, now()) ON CONFLICT (engine, minute) DO UPDATE SET"
          + " orphan_count = EXCLUDED.orphan_count, emitted_at = EXCLUDED.emitted_at";

  private static final String SALES_SQL =
      "INSERT INTO movie_sales_metrics (engine, window_type, movie_id, window_start, window_end,"
          + " total_sales, units_sold, emitted_at) VALUES ('spark', ?, ?, ?, ?, ?, ?, now())"
          + " ON CONFLICT (engine, window_type, movie_id, window_start) DO UPDATE SET"
          + " window_end = EXCLUDED.window_end, total_sales = EXCLUDED.total_sales,"
          + " units_sold = EXCLUDED.units_sold, emitted_at = EXCLUDED.emitted_at";

  private final String jdbcUrl;
  private final Properties properties;

  /**
   * @param jdbcUrl PostgreSQL JDBC URL of the warehouse
   * @param properties extra connection properties (e.g. password); may be empty
   */
  public MetricsWriter(String jdbcUrl, Properties properties) {
    this.jdbcUrl = jdbcUrl;
    this.properties = properties;
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
    try (Connection c = connect();
        PreparedStatement st = c.prepareStatement(REGISTRATION_SQL)) {
      for (Row r : rows) {
        st.setString(1, r.getString(0));
        st.setObject(2, utc(r.getTimestamp(1)));
        st.setObject(3, utc(r.getTimestamp(2)));
        st.setLong(4, r.getLong(3));
        st.addBatch();
      }
      return commit(c, st, rows.size());
    }
  }

  /**
   * Upserts session_metrics and orphan_sign_outs rows.
   *
   * @param rows rows of {@link SessionMetrics#rows}
   * @return rows written
   * @throws SQLException on a database error (rolled back)
   */
  public int writeSessions(List<SessionRow> rows) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ticks = c.prepareStatement(SESSION_SQL);
        PreparedStatement orphans = c.prepareStatement(ORPHAN_SQL)) {
      for (SessionRow r : rows) {
        if (SessionMetrics.TICK.equals(r.getKind())) {
          ticks.setObject(1, utc(r.getTimeMs()));
          ticks.setLong(2, r.getActiveSessions());
          setDouble(ticks, 3, r.getAverageSessionDurationS());
          setDouble(ticks, 4, r.getAverageActiveSessionAgeS());
          ticks.setLong(5, r.getCompletedSessions());
          ticks.addBatch();
        } else {
          orphans.setObject(1, utc(r.getTimeMs()));
          orphans.setLong(2, r.getOrphanCount());
          orphans.addBatch();
        }
      }
      orphans.executeBatch();
      return commit(c, ticks, rows.size());
    }
  }

  /**
   * Upserts movie_sales_metrics rows; {@code total_sales} = cents / 100, scale 2 (exact).
   *
   * @param rows rows of {@link MovieSalesMetrics#rows}; for one key the last row wins
   * @return rows written
   * @throws SQLException on a database error (rolled back)
   */
  public int writeSales(List<SalesRow> rows) throws SQLException {
    try (Connection c = connect();
        PreparedStatement st = c.prepareStatement(SALES_SQL)) {
      for (SalesRow r : rows) {
        st.setString(1, r.getWindowType());
        st.setString(2, r.getMovieId());
        st.setObject(3, utc(r.getWindowStartMs()));
        st.setObject(4, utc(r.getWindowEndMs()));
        st.setBigDecimal(5, dollars(r.getTotalCents()));
        st.setLong(6, r.getUnitsSold());
        st.addBatch();
      }
      return commit(c, st, rows.size());
    }
  }

  /** Integer cents as dollars with scale 2, e.g. 1999 -> 19.99. */
  public static BigDecimal dollars(long cents) {
    return BigDecimal.valueOf(cents, 2);
  }

  private Connection connect() throws SQLException {
    Connection c = new org.postgresql.Driver().connect(jdbcUrl, properties);
    if (c == null) {
      throw new SQLException("not a PostgreSQL JDBC URL (jdbc:postgresql://...)");
    }
    c.setAutoCommit(false);
    return c;
  }

  private static int commit(Connection c, PreparedStatement last, int count) throws SQLException {
    try {
      last.executeBatch();
      c.commit();
      return count;
    } catch (SQLException e) {
      c.rollback();
      throw e;
    }
  }

  private static void setDouble(PreparedStatement st, int index, Double value) throws SQLException {
    if (value == null) {
      st.setNull(index, Types.DOUBLE);
    } else {
      st.setDouble(index, value);
    }
  }

  private static OffsetDateTime utc(Timestamp t) {
    return utc(t.getTime());
  }

  private static OffsetDateTime utc(long ms) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(ms), ZoneOffset.UTC);
  }

  @Override
  public String toString() {
    // The URL may hold a password.
    return "MetricsWriter(postgres)";
  }
}
