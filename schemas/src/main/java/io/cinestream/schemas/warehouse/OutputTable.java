package io.cinestream.schemas.warehouse;

import java.util.List;

/**
 * The catalogue of warehouse tables the engines write (docs/architecture.md#topics-and-schemas and
 * docs/metrics.md; DDL in {@code db/postgres/V1__raw_tables.sql}, {@code V3__metric_tables.sql},
 * {@code V4__unpriced_sale_items.sql} and their {@code db/snowflake/} twins): each table's name,
 * the columns a writer binds in order, its natural key, and whether a row that is already there is
 * updated (metrics: upsert) or left alone (insert-if-absent).
 *
 * <p>The warehouse stamps every row with {@link #stampColumn()} ({@code now()} / {@code
 * CURRENT_TIMESTAMP()}), which is therefore not among the bound columns. {@link SqlDialect}
 * generates each table's one write statement from this catalogue.
 */
public enum OutputTable {
  USER_REGISTRATION_METRICS(
      "user_registration_metrics",
      List.of(
          col("engine", ColumnType.TEXT),
          col("window_type", ColumnType.TEXT),
          col("window_start", ColumnType.TIMESTAMPTZ),
          col("window_end", ColumnType.TIMESTAMPTZ),
          col("registration_count", ColumnType.BIGINT)),
      List.of("engine", "window_type", "window_start"),
      OnConflict.UPDATE,
      "emitted_at"),
  SESSION_METRICS(
      "session_metrics",
      List.of(
          col("engine", ColumnType.TEXT),
          col("timestamp", ColumnType.TIMESTAMPTZ),
          col("active_sessions_count", ColumnType.BIGINT),
          col("average_session_duration_s", ColumnType.DOUBLE),
          col("average_active_session_age_s", ColumnType.DOUBLE),
          col("completed_sessions", ColumnType.BIGINT)),
      List.of("engine", "timestamp"),
      OnConflict.UPDATE,
      "emitted_at"),
  ORPHAN_SIGN_OUTS(
      "orphan_sign_outs",
      List.of(
          col("engine", ColumnType.TEXT),
          col("minute", ColumnType.TIMESTAMPTZ),
          col("orphan_count", ColumnType.BIGINT)),
      List.of("engine", "minute"),
      OnConflict.UPDATE,
      "emitted_at"),
  MOVIE_SALES_METRICS(
      "movie_sales_metrics",
      List.of(
          col("engine", ColumnType.TEXT),
          col("window_type", ColumnType.TEXT),
          col("movie_id", ColumnType.TEXT),
          col("window_start", ColumnType.TIMESTAMPTZ),
          col("window_end", ColumnType.TIMESTAMPTZ),
          col("total_sales", ColumnType.DECIMAL_18_2),
          col("units_sold", ColumnType.BIGINT)),
      List.of("engine", "window_type", "movie_id", "window_start"),
      OnConflict.UPDATE,
      "emitted_at"),
  /**
   * Units sold of a product without a catalogue price (not sales), per engine, movie and checkout
   * time ({@code V4__unpriced_sale_items.sql}).
   */
  UNPRICED_SALE_ITEMS(
      "unpriced_sale_items",
      List.of(
          col("engine", ColumnType.TEXT),
          col("movie_id", ColumnType.TEXT),
          col("checkout_time", ColumnType.TIMESTAMPTZ),
          col("units", ColumnType.BIGINT)),
      List.of("engine", "movie_id", "checkout_time"),
      OnConflict.UPDATE,
      "emitted_at"),
  /** Events behind a job's watermark: the first sighting is kept. */
  LATE_EVENTS(
      "late_events",
      List.of(
          col("engine", ColumnType.TEXT),
          col("job", ColumnType.TEXT),
          col("event_id", ColumnType.UUID),
          col("kafka_topic", ColumnType.TEXT),
          col("event_time", ColumnType.TIMESTAMPTZ),
          col("watermark", ColumnType.TIMESTAMPTZ)),
      List.of("engine", "job", "event_id"),
      OnConflict.IGNORE,
      "seen_at"),
  /** Records that could not be decoded: whichever engine sees one first records it. */
  DEAD_LETTER_EVENTS(
      "dead_letter_events",
      List.of(
          col("kafka_topic", ColumnType.TEXT),
          col("kafka_partition", ColumnType.INTEGER),
          col("kafka_offset", ColumnType.BIGINT),
          col("kafka_key", ColumnType.TEXT),
          col("raw_value_base64", ColumnType.TEXT),
          col("error", ColumnType.TEXT)),
      List.of("kafka_topic", "kafka_partition", "kafka_offset"),
      OnConflict.IGNORE,
      "seen_at");

  /** What a write does when a row with the same key is already in the table. */
  public enum OnConflict {
    /** Overwrite the non-key columns and the stamp (metric upsert: the last emission wins). */
    UPDATE,
    /** Leave the existing row alone (insert-if-absent: the first sighting wins). */
    IGNORE
  }

  private final String tableName;
  private final List<Column> columns;
  private final List<String> keyColumns;
  private final OnConflict onConflict;
  private final String stampColumn;

  OutputTable(
      String tableName,
      List<Column> columns,
      List<String> keyColumns,
      OnConflict onConflict,
      String stampColumn) {
    this.tableName = tableName;
    this.columns = columns;
    this.keyColumns = keyColumns;
    this.onConflict = onConflict;
    this.stampColumn = stampColumn;
  }

  private static Column col(String name, ColumnType type) {
    return new Column(name, type);
  }

  /** The table name, e.g. {@code session_metrics}. */
  public String tableName() {
    return tableName;
  }

  /** The columns a writer binds, in parameter order (the stamp column excluded). */
  public List<Column> columns() {
    return columns;
  }

  /** The natural key's column names (unquoted). */
  public List<String> keyColumns() {
    return keyColumns;
  }

  /** The bound columns outside the key, in order. */
  public List<Column> valueColumns() {
    return columns.stream().filter(c -> !keyColumns.contains(c.name())).toList();
  }

  /** The key columns as {@link Column}s, in key order. */
  public List<Column> keys() {
    return keyColumns.stream().map(this::column).toList();
  }

  /** What a write does with an existing key. */
  public OnConflict onConflict() {
    return onConflict;
  }

  /** The column the warehouse sets to the write time: {@code emitted_at} or {@code seen_at}. */
  public String stampColumn() {
    return stampColumn;
  }

  /**
   * @param name a column name
   * @return the column
   * @throws IllegalArgumentException when the table has no bound column of that name
   */
  public Column column(String name) {
    return columns.stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(tableName + " has no column " + name));
  }
}
