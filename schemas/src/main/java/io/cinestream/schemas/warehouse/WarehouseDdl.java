package io.cinestream.schemas.warehouse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The warehouse DDL: the migration files on the classpath of this artifact, one set per dialect,
 * the single definition of every warehouse table.
 *
 * <ul>
 *   <li>{@code db/postgres/V*__*.sql}: applied by Flyway (devstack's {@code EmbeddedWarehouse},
 *       location {@value #POSTGRES_LOCATION}); dbt's CI fixtures read the same files.
 *   <li>{@code db/snowflake/V*__*.sql}: the same tables in Snowflake types, every statement {@code
 *       CREATE TABLE IF NOT EXISTS}, run in order by the Spark loader's Snowflake target, the tests
 *       on the emulator and dbt's Snowflake fixtures.
 * </ul>
 */
public final class WarehouseDdl {

  /** Flyway location of the PostgreSQL migrations. */
  public static final String POSTGRES_LOCATION = "classpath:db/postgres";

  /** The migration file names, in version order (the same names in both dialects). */
  public static final List<String> MIGRATIONS =
      List.of(
          "V1__raw_tables.sql",
          "V2__movie_catalog.sql",
          "V3__metric_tables.sql",
          "V4__unpriced_sale_items.sql",
          "V6__watermark_ticks.sql",
          "V8__flink_sql_engine.sql");

  private static final Pattern CREATE_TABLE =
      Pattern.compile(
          "^CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\\w+)", Pattern.CASE_INSENSITIVE);

  private WarehouseDdl() {}

  /**
   * @param dialect a dialect
   * @return the classpath directory of its migrations, e.g. {@code db/snowflake}
   */
  public static String directory(SqlDialect dialect) {
    return "db/" + dialect.name().toLowerCase(Locale.ROOT);
  }

  /**
   * Every DDL statement of a dialect's migrations, in version and file order, without comments or
   * the trailing semicolon.
   *
   * @param dialect a dialect
   * @return the statements
   * @throws UncheckedIOException when a migration file is missing from the classpath
   */
  public static List<String> statements(SqlDialect dialect) {
    List<String> statements = new ArrayList<>();
    for (String file : MIGRATIONS) {
      statements.addAll(split(read(directory(dialect) + "/" + file)));
    }
    return statements;
  }

  /**
   * The {@code CREATE TABLE} statement of one table.
   *
   * @param dialect a dialect
   * @param tableName e.g. {@code cart_events}
   * @return its statement (for Snowflake {@code CREATE TABLE IF NOT EXISTS ...})
   * @throws IllegalArgumentException when no migration of the dialect creates that table
   */
  public static String createTable(SqlDialect dialect, String tableName) {
    for (String statement : statements(dialect)) {
      Matcher m = CREATE_TABLE.matcher(statement);
      if (m.find() && m.group(1).equalsIgnoreCase(tableName)) {
        return statement;
      }
    }
    throw new IllegalArgumentException("no " + dialect + " migration creates table " + tableName);
  }

  /**
   * The tables a dialect's migrations create, in version and file order: the warehouse's own tables
   * (not Flyway's history, not dbt's relations). {@code ./pipeline reset} empties these.
   *
   * @param dialect a dialect
   * @return table names as written in the migrations, e.g. {@code consumer_events}
   * @throws UncheckedIOException when a migration file is missing from the classpath
   */
  public static List<String> tableNames(SqlDialect dialect) {
    List<String> names = new ArrayList<>();
    for (String statement : statements(dialect)) {
      Matcher m = CREATE_TABLE.matcher(statement);
      if (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /**
   * Splits SQL text into statements: drops {@code --} comment lines, splits on {@code ;} (the
   * migrations hold no semicolon inside a literal or a body) and trims.
   *
   * @param sql the text of one migration file
   * @return its statements
   */
  static List<String> split(String sql) {
    StringBuilder text = new StringBuilder();
    for (String line : sql.split("\n")) {
      if (!line.strip().startsWith("--")) {
        text.append(line).append('\n');
      }
    }
    List<String> statements = new ArrayList<>();
    for (String s : text.toString().split(";")) {
      if (!s.isBlank()) {
        statements.add(s.strip());
      }
    }
    return statements;
  }

  private static String read(String resource) {
    try (InputStream in = WarehouseDdl.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new UncheckedIOException(
            new IOException("migration " + resource + " is not on the classpath"));
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
