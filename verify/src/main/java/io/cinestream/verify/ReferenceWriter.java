package io.cinestream.verify;

import io.cinestream.schemas.warehouse.Engine;
import io.cinestream.schemas.warehouse.OutputTable;
import io.cinestream.schemas.warehouse.SqlDialect;
import io.cinestream.schemas.warehouse.TableWriter;
import io.cinestream.verify.model.MovieSalesMetricRow;
import io.cinestream.verify.model.OrphanSignOutRow;
import io.cinestream.verify.model.RegistrationMetricRow;
import io.cinestream.verify.model.SessionMetricRow;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes reference rows into the metric tables with {@code engine = 'reference'}: each table's one
 * write statement ({@link SqlDialect#writeStatement}), an upsert on its natural key
 * (docs/metrics.md#verification), so re-running converges to the same rows. Each {@code write*}
 * call is one batch; the caller owns the connection and its transaction.
 */
public final class ReferenceWriter {

  /** The engine value of every row written. */
  public static final String ENGINE = Engine.REFERENCE.sqlName();

  private final TableWriter writer;

  /**
   * @param connection an open connection to the warehouse; not closed by this class
   * @throws SQLException when the connection's URL cannot be read
   * @throws IllegalArgumentException when it is neither PostgreSQL nor Snowflake
   */
  public ReferenceWriter(Connection connection) throws SQLException {
    this.writer =
        new TableWriter(connection, SqlDialect.forJdbcUrl(connection.getMetaData().getURL()));
  }

  /**
   * Upserts user_registration_metrics rows.
   *
   * @param rows the rows
   * @return rows written
   * @throws SQLException on any database error
   */
  public int writeRegistrations(List<RegistrationMetricRow> rows) throws SQLException {
    return writer.write(
        OutputTable.USER_REGISTRATION_METRICS,
        rows.stream()
            .map(
                r ->
                    new Object[] {
                      ENGINE, r.windowType(), r.windowStart(), r.windowEnd(), r.registrationCount()
                    })
            .toList());
  }

  /**
   * Upserts session_metrics rows.
   *
   * @param rows the rows (null averages written as SQL NULL)
   * @return rows written
   * @throws SQLException on any database error
   */
  public int writeSessions(List<SessionMetricRow> rows) throws SQLException {
    return writer.write(
        OutputTable.SESSION_METRICS,
        rows.stream()
            .map(
                r ->
                    new Object[] {
                      ENGINE,
                      r.timestamp(),
                      r.activeSessions(),
                      r.averageSessionDurationS(),
                      r.averageActiveSessionAgeS(),
                      r.completedSessions()
                    })
            .toList());
  }

  /**
   * Upserts orphan_sign_outs rows.
   *
   * @param rows the rows
   * @return rows written
   * @throws SQLException on any database error
   */
  public int writeOrphans(List<OrphanSignOutRow> rows) throws SQLException {
    return writer.write(
        OutputTable.ORPHAN_SIGN_OUTS,
        rows.stream().map(r -> new Object[] {ENGINE, r.minute(), r.orphanCount()}).toList());
  }

  /**
   * Upserts movie_sales_metrics rows.
   *
   * @param rows the rows (total_sales in dollars, scale 2)
   * @return rows written
   * @throws SQLException on any database error
   */
  public int writeSales(List<MovieSalesMetricRow> rows) throws SQLException {
    return writer.write(
        OutputTable.MOVIE_SALES_METRICS,
        rows.stream()
            .map(
                r ->
                    new Object[] {
                      ENGINE,
                      r.windowType(),
                      r.movieId(),
                      r.windowStart(),
                      r.windowEnd(),
                      r.totalSales(),
                      r.unitsSold()
                    })
            .toList());
  }
}
