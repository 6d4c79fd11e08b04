package io.cinestream.spark.load;

import io.cinestream.schemas.Topic;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The raw warehouse tables the loader writes (docs/architecture.md#warehouse-tables; DDL in the
 * schemas artifact's {@code db/postgres/V1__raw_tables.sql} and {@code
 * db/snowflake/V1__raw_tables.sql}): which topics feed each table, its columns in load order with
 * their SQL types and decoded fields, and the key that makes a write idempotent.
 *
 * <p>The {@link #stampColumn()} ({@code loaded_at}, {@code seen_at} for dead letters) is not
 * listed: the warehouse sets it ({@code DEFAULT now()} in PostgreSQL, {@code CURRENT_TIMESTAMP()}
 * in the Snowflake MERGE).
 */
public enum RawTable {
  CONSUMER_EVENTS(
      "consumer_events",
      List.of(Topic.CONSUMER_REGISTRATION, Topic.SIGN_IN, Topic.SIGN_OUT),
      List.of("event_id"),
      List.of(
          Column.EVENT_ID,
          Column.EVENT_NAME,
          Column.USER_ID,
          Column.EVENT_TIME,
          new Column("age", ColumnType.SMALLINT, "age"),
          new Column("masked_email", ColumnType.TEXT, "masked_email"),
          new Column("preferred_language", ColumnType.TEXT, "preferred_language"),
          Column.KAFKA_TOPIC,
          Column.KAFKA_PARTITION,
          Column.KAFKA_OFFSET)),
  ITEM_VIEW_EVENTS(
      "item_view_events",
      List.of(Topic.ITEM_VIEW),
      List.of("event_id"),
      List.of(
          Column.EVENT_ID,
          Column.USER_ID,
          Column.ITEM_ID,
          Column.EVENT_TIME,
          Column.KAFKA_TOPIC,
          Column.KAFKA_PARTITION,
          Column.KAFKA_OFFSET)),
  CART_EVENTS(
      "cart_events",
      List.of(Topic.ADDED_TO_CART, Topic.CHECKOUT_TO_CART),
      List.of("event_id"),
      List.of(
          Column.EVENT_ID,
          Column.EVENT_NAME,
          Column.USER_ID,
          new Column("cart_id", ColumnType.UUID, "cart_id"),
          Column.ITEM_ID,
          new Column("payment_method", ColumnType.TEXT, "payment_method"),
          Column.EVENT_TIME,
          Column.KAFKA_TOPIC,
          Column.KAFKA_PARTITION,
          Column.KAFKA_OFFSET)),
  ITEM_RATING_EVENTS(
      "item_rating_events",
      List.of(Topic.ITEM_RATING),
      List.of("event_id"),
      List.of(
          Column.EVENT_ID,
          Column.USER_ID,
          Column.ITEM_ID,
          new Column("rating", ColumnType.SMALLINT, "rating"),
          Column.EVENT_TIME,
          Column.KAFKA_TOPIC,
          Column.KAFKA_PARTITION,
          Column.KAFKA_OFFSET)),
  /**
   * Records that could not be decoded or do not fit their table
   * (docs/architecture.md#topics-and-schemas).
   */
  DEAD_LETTER_EVENTS(
      "dead_letter_events",
      List.of(),
      List.of("kafka_topic", "kafka_partition", "kafka_offset"),
      List.of(
          Column.KAFKA_TOPIC,
          Column.KAFKA_PARTITION,
          Column.KAFKA_OFFSET,
          new Column("kafka_key", ColumnType.TEXT, "kafka_key"),
          new Column("raw_value_base64", ColumnType.TEXT, "raw_value_base64"),
          new Column("error", ColumnType.TEXT, "error"))),
  /**
   * The watermark tick records read ({@link io.cinestream.schemas.WatermarkTick}): their Kafka
   * coordinates and event time, so that the reference knows every engine's horizon
   * (docs/metrics.md#sessions).
   */
  WATERMARK_TICKS(
      "watermark_ticks",
      List.of(),
      List.of("kafka_topic", "kafka_partition", "kafka_offset"),
      List.of(
          Column.KAFKA_TOPIC,
          Column.KAFKA_PARTITION,
          Column.KAFKA_OFFSET,
          new Column("tick_time", ColumnType.TIMESTAMPTZ, "event_time_ms")));

  /** SQL type of a raw-table column, with its spelling in each warehouse. */
  public enum ColumnType {
    UUID("UUID", "VARCHAR(36)"),
    TEXT("TEXT", "VARCHAR"),
    SMALLINT("SMALLINT", "SMALLINT"),
    INTEGER("INTEGER", "INTEGER"),
    BIGINT("BIGINT", "BIGINT"),
    /** Event time; decoded rows carry it as epoch milliseconds (see {@link DecodedEvents}). */
    TIMESTAMPTZ("TIMESTAMPTZ", "TIMESTAMP_TZ");

    private final String postgres;
    private final String snowflake;

    ColumnType(String postgres, String snowflake) {
      this.postgres = postgres;
      this.snowflake = snowflake;
    }

    /** The PostgreSQL type name, e.g. {@code TIMESTAMPTZ}. */
    public String postgres() {
      return postgres;
    }

    /** The Snowflake type name, e.g. {@code TIMESTAMP_TZ}. */
    public String snowflake() {
      return snowflake;
    }
  }

  /**
   * One column of a raw table.
   *
   * @param name the column name in both warehouses
   * @param type its SQL type
   * @param decodedField the field of {@link DecodedEvents#SCHEMA} that holds its value
   */
  public record Column(String name, ColumnType type, String decodedField) {
    static final Column EVENT_ID = new Column("event_id", ColumnType.UUID, "event_id");
    static final Column EVENT_NAME = new Column("event_name", ColumnType.TEXT, "event_name");
    static final Column USER_ID = new Column("user_id", ColumnType.INTEGER, "user_id");
    static final Column ITEM_ID = new Column("item_id", ColumnType.TEXT, "item_id");
    static final Column EVENT_TIME =
        new Column("event_time", ColumnType.TIMESTAMPTZ, "event_time_ms");
    static final Column KAFKA_TOPIC = new Column("kafka_topic", ColumnType.TEXT, "kafka_topic");
    static final Column KAFKA_PARTITION =
        new Column("kafka_partition", ColumnType.INTEGER, "kafka_partition");
    static final Column KAFKA_OFFSET =
        new Column("kafka_offset", ColumnType.BIGINT, "kafka_offset");
  }

  private final String tableName;
  private final List<Topic> topics;
  private final List<String> keyColumns;
  private final List<Column> columns;

  RawTable(String tableName, List<Topic> topics, List<String> keyColumns, List<Column> columns) {
    this.tableName = tableName;
    this.topics = topics;
    this.keyColumns = keyColumns;
    this.columns = columns;
  }

  /** The table name, e.g. {@code cart_events}. */
  public String tableName() {
    return tableName;
  }

  /** The event topics whose records land in this table; empty for the dead letters. */
  public List<Topic> topics() {
    return topics;
  }

  /** The idempotency key: {@code event_id}, or the Kafka coordinates for dead letters. */
  public List<String> keyColumns() {
    return keyColumns;
  }

  /** The column the warehouse sets to the load time: {@code loaded_at}, or {@code seen_at}. */
  public String stampColumn() {
    return this == DEAD_LETTER_EVENTS ? "seen_at" : "loaded_at";
  }

  /** The columns the loader writes, in order. */
  public List<Column> columns() {
    return columns;
  }

  /** The column names joined by {@code ", "}, in load order. */
  public String columnList() {
    return columns.stream().map(Column::name).collect(Collectors.joining(", "));
  }

  /**
   * The table of an event topic.
   *
   * @param topic an event topic
   * @return the table its records are loaded into, empty for a topic no table takes (the catalogue)
   */
  public static Optional<RawTable> forTopic(Topic topic) {
    for (RawTable table : values()) {
      if (table.topics.contains(topic)) {
        return Optional.of(table);
      }
    }
    return Optional.empty();
  }

  /**
   * Looks a table up by its name.
   *
   * @param tableName e.g. {@code item_view_events}
   * @throws IllegalArgumentException when no raw table has that name
   */
  public static RawTable byName(String tableName) {
    for (RawTable table : values()) {
      if (table.tableName.equals(tableName)) {
        return table;
      }
    }
    throw new IllegalArgumentException("no raw table " + tableName);
  }
}
