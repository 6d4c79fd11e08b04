package io.cinestream.verify;

import io.cinestream.verify.model.MovieSalesMetricRow;
import io.cinestream.verify.model.OrphanSignOutRow;
import io.cinestream.verify.model.RegistrationMetricRow;
import io.cinestream.verify.model.SessionMetricRow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Writes reference rows into the V3 metric tables with {@code engine = 'reference'}: upserts on
 * each table's natural key (DESIGN section 5), so re-running converges to the same rows. Each
 * {@code write*} call is one batch; the caller owns the connection and its transaction.
 */
public final class ReferenceWriter {

  /** The engine value of every row written. */
  public static final String ENGINE = "reference";

  private final Connection connection;

  /**
   * @param connection an open connection to the warehouse; not closed by this class
   */
  public ReferenceWriter(Connection connection) {
    this.connection = connection;
  }

  /**
   * Upserts user_registration_metrics rows.
   *
   * @param rows the rows
   * @return rows written
   * @throws SQLException on any database error
   */
  public int writeRegistrations(List<RegistrationMetricRow> rows) throws SQLException {
    try (PreparedStatement st =
        connection.prepareStatement(
            "INSERT INTO user_registration_metrics (engine, window_type, window_start, window_end,"
                + " registration_count) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (engine, window_type, window_start) DO UPDATE SET"
                + " window_end = EXCLUDED.window_end,"
                + " registration_count = EXCLUDED.registration_count, emitted_at = now()")) {
      for (RegistrationMetricRow r : rows) {
        st.setString(1, ENGINE);
        st.setString(2, r.windowType());
        st.setObject(3, utc(r.windowStart()));
        st.setObject(4, utc(r.windowEnd()));
        st.setLong(5, r.registrationCount());
        st.addBatch();
      }
      return run(st, rows.size());
    }
  }

  /**
   * Upserts session_metrics rows.
   *
   * @param rows the rows (null averages written as SQL NULL)
   * @return rows written
   * @throws SQLException on any database error
   */
  public int writeSessions(List<SessionMetricRow> rows) throws SQLException {
    try (PreparedStatement st =
        connection.prepareStatement(
            "INSERT INTO session_metrics (engine, \"timestamp\", active_sessions_count,"
                + " average_session_duration_s, average_active_session_age_s, completed_sessions)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (engine, \"timestamp\") DO UPDATE SET"
                + " active_sessions_count = EXCLUDED.active_sessions_count,"
                + " average_session_duration_s = EXCLUDED.average_session_duration_s,"
                + " average_active_session_age_s = EXCLUDED.average_active_session_age_s,"
                + " completed_sessions = EXCLUDED.completed_sessions, emitted_at = now()")) {
      for (SessionMetricRow r : rows) {
        st.setString(1, ENGINE);
        st.setObject(2, utc(r.timestamp()));
        st.setLong(3, r.activeSessions());
        setDouble(st, 4, r.averageSessionDurationS());
        setDouble(st, 5, r.averageActiveSessionAgeS());
        st.setLong(6, r.completedSessions());
        st.addBatch();
      }
      return run(st, rows.size());
    }
  }

  /**
   * Upserts orphan_sign_outs rows.
   *
   * @param rows the rows
   * @return rows written
   * @throws SQLException on any database error
   */
  public int writeOrphans(List<OrphanSignOutRow> rows) throws SQLException {
    try (PreparedStatement st =
        connection.prepareStatement(
            "INSERT INTO orphan_sign_outs (engine, minute, orphan_count) VALUES (?, ?, ?)"
                + " ON CONFLICT (engine, minute) DO UPDATE SET"
                + " orphan_count = EXCLUDED.orphan_count, emitted_at = now()")) {
      for (OrphanSignOutRow r : rows) {
        st.setString(1, ENGINE);
        st.setObject(2, utc(r.minute()));
        st.setLong(3, r.orphanCount());
        st.addBatch();
      }
      return run(st, rows.size());
    }
  }

  /**
   * Upserts movie_sales_metrics rows.
   *
   * @param rows the rows (total_sales in dollars, scale 2)
   * @return rows written
   * @throws SQLException on any database error
   */
  public int writeSales(List<MovieSalesMetricRow> rows) throws SQLException {
    try (PreparedStatement st =
        connection.prepareStatement(
            "INSERT INTO movie_sales_metrics (engine, window_type, movie_id, window_start,"
                + " window_end, total_sales, units_sold) VALUES (?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (engine, window_type, movie_id, window_start) DO UPDATE SET"
                + " window_end = EXCLUDED.window_end, total_sales = EXCLUDED.total_sales,"
                + " units_sold = EXCLUDED.units_sold, emitted_at = now()")) {
      for (MovieSalesMetricRow r : rows) {
        st.setString(1, ENGINE);
        st.setString(2, r.windowType());
        st.setString(3, r.movieId());
        st.setObject(4, utc(r.windowStart()));
        st.setObject(5, utc(r.windowEnd()));
        st.setBigDecimal(6, r.totalSales());
        st.setLong(7, r.unitsSold());
        st.addBatch();
      }
      return run(st, rows.size());
    }
  }

  private static int run(PreparedStatement st, int size) throws SQLException {
    if (size > 0) {
      st.executeBatch();
    }
    return size;
  }

  private static void setDouble(PreparedStatement st, int index, Double value) throws SQLException {
    if (value == null) {
      st.setNull(index, Types.DOUBLE);
    } else {
      st.setDouble(index, value);
    }
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
