package io.cinestream.schemas.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes batches of rows into an {@link OutputTable} over a caller's JDBC connection with the
 * dialect's one write statement ({@link SqlDialect#writeStatement}). The caller owns the connection
 * and its transaction (auto-commit or not).
 */
public final class TableWriter {

  private final Connection connection;
  private final SqlDialect dialect;

  /**
   * @param connection an open warehouse connection; not closed here
   * @param dialect the connection's SQL dialect
   */
  public TableWriter(Connection connection, SqlDialect dialect) {
    this.connection = connection;
    this.dialect = dialect;
  }

  /**
   * Upserts (or inserts if absent, per the table) every row as one JDBC batch.
   *
   * @param table the table
   * @param rows rows in {@link OutputTable#columns()} order ({@link SqlDialect#bind} types)
   * @return the number of rows offered
   * @throws SQLException on a database error
   * @throws IllegalArgumentException on a row of the wrong shape (see {@link SqlDialect#bind})
   */
  public int write(OutputTable table, List<Object[]> rows) throws SQLException {
    if (rows.isEmpty()) {
      return 0;
    }
    try (PreparedStatement st = connection.prepareStatement(dialect.writeStatement(table))) {
      for (Object[] row : rows) {
        dialect.bind(st, table, row);
        st.addBatch();
      }
      st.executeBatch();
    }
    return rows.size();
  }

  /** The dialect statements are written in. */
  public SqlDialect dialect() {
    return dialect;
  }
}
