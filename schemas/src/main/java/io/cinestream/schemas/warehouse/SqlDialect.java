package io.cinestream.schemas.warehouse;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The SQL dialects of the warehouse (docs/architecture.md#warehouse-tables): each generates the one
 * write statement of an {@link OutputTable} and binds a row's values to it. Every writer of the
 * metric, late-event and dead-letter tables (Flink's sinks, Spark's metric writer, the reference
 * writer) uses these statements, so each is defined here once.
 *
 * <ul>
 *   <li>{@link #POSTGRES}: {@code INSERT ... VALUES (?, ...) ON CONFLICT (key) DO UPDATE SET ...}
 *       ({@code DO NOTHING} for insert-if-absent tables).
 *   <li>{@link #SNOWFLAKE}: {@code MERGE INTO t USING (SELECT CAST(? AS T) AS c, ...) AS s ON key
 *       WHEN MATCHED THEN UPDATE ... WHEN NOT MATCHED THEN INSERT ...} (no {@code WHEN MATCHED} for
 *       insert-if-absent tables). Every parameter is cast in the USING subquery and timestamps and
 *       decimals are bound as text, the form both Snowflake and its emulator accept
 *       (docs/production.md#snowflake: {@code setBigDecimal} with a fraction fails on the
 *       emulator).
 * </ul>
 *
 * Rows are bound as {@code Object[]} in {@link OutputTable#columns()} order: {@link String} for
 * TEXT and UUID, {@link Long} for BIGINT, {@link Integer} for INTEGER, {@link Double} for DOUBLE,
 * {@link BigDecimal} for DECIMAL_18_2, {@link Instant} for TIMESTAMPTZ; {@code null} is SQL NULL.
 */
public enum SqlDialect {
  POSTGRES("org.postgresql.Driver"),
  SNOWFLAKE("net.snowflake.client.jdbc.SnowflakeDriver");

  /** Snowflake timestamp text: ISO-8601 with a numeric offset and no space, e.g. {@code +00:00}. */
  private static final DateTimeFormatter SNOWFLAKE_TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx");

  private final String driverClass;

  SqlDialect(String driverClass) {
    this.driverClass = driverClass;
  }

  /**
   * The dialect of a JDBC URL.
   *
   * @param jdbcUrl {@code jdbc:postgresql://...} or {@code jdbc:snowflake://...}
   * @return its dialect
   * @throws IllegalArgumentException for any other URL (naming its scheme, never the whole URL,
   *     which may hold a password)
   */
  public static SqlDialect forJdbcUrl(String jdbcUrl) {
    if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRES;
    }
    if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:snowflake:")) {
      return SNOWFLAKE;
    }
    String scheme = jdbcUrl == null ? "null" : jdbcUrl.replaceFirst("^(jdbc:[^:]*:).*", "$1");
    throw new IllegalArgumentException(
        "unsupported warehouse JDBC URL "
            + scheme
            + ": expected jdbc:postgresql: or jdbc:snowflake:");
  }

  /** The JDBC driver class, e.g. {@code org.postgresql.Driver}. */
  public String driverClass() {
    return driverClass;
  }

  /**
   * The table's write statement: an upsert on its natural key ({@link
   * OutputTable.OnConflict#UPDATE}) or an insert-if-absent ({@link OutputTable.OnConflict#IGNORE}),
   * one {@code ?} per {@link OutputTable#columns()} in order, the stamp column set by the
   * warehouse.
   *
   * @param table the table
   * @return the SQL text
   */
  public String writeStatement(OutputTable table) {
    return this == POSTGRES ? postgres(table) : snowflake(table);
  }

  private static String postgres(OutputTable table) {
    String columns = names(table.columns(), "", "");
    String params = table.columns().stream().map(c -> "?").collect(Collectors.joining(", "));
    String stamp = table.stampColumn();
    String head =
        "INSERT INTO "
            + table.tableName()
            + " ("
            + columns
            + ", "
            + stamp
            + ") VALUES ("
            + params
            + ", now()) ON CONFLICT ("
            + names(table.keys(), "", "")
            + ")";
    if (table.onConflict() == OutputTable.OnConflict.IGNORE) {
      return head + " DO NOTHING";
    }
    String set =
        table.valueColumns().stream()
            .map(c -> c.sqlName() + " = EXCLUDED." + c.sqlName())
            .collect(Collectors.joining(", "));
    return head + " DO UPDATE SET " + set + ", " + stamp + " = EXCLUDED." + stamp;
  }

  private static String snowflake(OutputTable table) {
    String stamp = table.stampColumn();
    String source =
        table.columns().stream()
            .map(c -> "CAST(? AS " + c.type().snowflake() + ") AS " + c.sqlName())
            .collect(Collectors.joining(", "));
    String on =
        table.keys().stream()
            .map(c -> "t." + c.sqlName() + " = s." + c.sqlName())
            .collect(Collectors.joining(" AND "));
    String matched =
        table.onConflict() == OutputTable.OnConflict.IGNORE
            ? ""
            : " WHEN MATCHED THEN UPDATE SET "
                + table.valueColumns().stream()
                    .map(c -> c.sqlName() + " = s." + c.sqlName())
                    .collect(Collectors.joining(", "))
                + ", "
                + stamp
                + " = s."
                + stamp;
    return "MERGE INTO "
        + table.tableName()
        + " AS t USING (SELECT "
        + source
        + ", CURRENT_TIMESTAMP() AS "
        + stamp
        + ") AS s ON "
        + on
        + matched
        + " WHEN NOT MATCHED THEN INSERT ("
        + names(table.columns(), "", "")
        + ", "
        + stamp
        + ") VALUES ("
        + names(table.columns(), "s.", "")
        + ", s."
        + stamp
        + ")";
  }

  private static String names(List<Column> columns, String prefix, String suffix) {
    return columns.stream()
        .map(c -> prefix + c.sqlName() + suffix)
        .collect(Collectors.joining(", "));
  }

  /**
   * Binds one row to a statement prepared from {@link #writeStatement}.
   *
   * @param st the statement
   * @param table the table it writes
   * @param row one value per {@link OutputTable#columns()}, of the Java types in the class comment
   * @throws SQLException when the driver rejects a value
   * @throws IllegalArgumentException when the row has the wrong number of values or a value of the
   *     wrong type (naming the table and column)
   */
  public void bind(PreparedStatement st, OutputTable table, Object[] row) throws SQLException {
    List<Column> columns = table.columns();
    if (row.length != columns.size()) {
      throw new IllegalArgumentException(
          table.tableName() + ": " + row.length + " values for " + columns.size() + " columns");
    }
    for (int i = 0; i < row.length; i++) {
      Column column = columns.get(i);
      try {
        if (this == POSTGRES) {
          bindPostgres(st, i + 1, column.type(), row[i]);
        } else {
          bindSnowflake(st, i + 1, column.type(), row[i]);
        }
      } catch (ClassCastException | IllegalArgumentException e) {
        throw new IllegalArgumentException(
            table.tableName()
                + "."
                + column.name()
                + ": cannot bind "
                + row[i]
                + " as "
                + column.type(),
            e);
      }
    }
  }

  private static void bindPostgres(PreparedStatement st, int index, ColumnType type, Object value)
      throws SQLException {
    if (value == null) {
      st.setNull(index, sqlType(type));
      return;
    }
    switch (type) {
      case TEXT -> st.setString(index, (String) value);
      case UUID -> st.setObject(index, java.util.UUID.fromString((String) value));
      case BIGINT -> st.setLong(index, (Long) value);
      case INTEGER -> st.setInt(index, (Integer) value);
      case DOUBLE -> st.setDouble(index, (Double) value);
      case DECIMAL_18_2 -> st.setBigDecimal(index, (BigDecimal) value);
      case TIMESTAMPTZ ->
          st.setObject(index, OffsetDateTime.ofInstant((Instant) value, ZoneOffset.UTC));
    }
  }

  private static void bindSnowflake(PreparedStatement st, int index, ColumnType type, Object value)
      throws SQLException {
    if (value == null) {
      st.setNull(index, Types.VARCHAR);
      return;
    }
    switch (type) {
      case TEXT -> st.setString(index, (String) value);
      // Validated here so a bad id fails like it does on PostgreSQL's UUID column.
      case UUID -> st.setString(index, UUID.fromString((String) value).toString());
      case BIGINT -> st.setLong(index, (Long) value);
      case INTEGER -> st.setInt(index, (Integer) value);
      case DOUBLE -> st.setDouble(index, (Double) value);
      case DECIMAL_18_2 -> st.setString(index, ((BigDecimal) value).toPlainString());
      case TIMESTAMPTZ ->
          st.setString(
              index,
              SNOWFLAKE_TIMESTAMP.format(
                  OffsetDateTime.ofInstant((Instant) value, ZoneOffset.UTC)));
    }
  }

  private static int sqlType(ColumnType type) {
    return switch (type) {
      case TEXT -> Types.VARCHAR;
      case UUID -> Types.OTHER;
      case BIGINT -> Types.BIGINT;
      case INTEGER -> Types.INTEGER;
      case DOUBLE -> Types.DOUBLE;
      case DECIMAL_18_2 -> Types.NUMERIC;
      case TIMESTAMPTZ -> Types.TIMESTAMP_WITH_TIMEZONE;
    };
  }
}
