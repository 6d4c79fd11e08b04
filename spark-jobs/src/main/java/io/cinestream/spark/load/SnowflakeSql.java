package io.cinestream.spark.load;

import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The Snowflake SQL of the {@code snowflake} target (DESIGN.md section 4): the raw tables' DDL, the
 * per-batch staging tables and the idempotent {@code MERGE} from a staging table into its table.
 *
 * <p>A staging table holds the columns of {@link DecodedEvents#SCHEMA} that its table takes, under
 * their decoded names: in particular {@code event_time_ms} (epoch milliseconds, a NUMBER), which
 * the MERGE turns into TIMESTAMP_TZ with {@code TO_TIMESTAMP_TZ(ms, 3)}, so the instant never
 * depends on how the connector maps Spark timestamps or on the session time zone. UUIDs are
 * VARCHAR(36) (Snowflake has no UUID type). Tested against the fakesnow emulator.
 */
public final class SnowflakeSql {

  private SnowflakeSql() {}

  /**
   * @return {@code CREATE TABLE IF NOT EXISTS <table> (...)} with the PostgreSQL table's columns in
   *     Snowflake types, {@code loaded_at TIMESTAMP_TZ} and the key as PRIMARY KEY (informational
   *     in Snowflake: the MERGE is what keeps it unique)
   */
  public static String createTable(RawTable table) {
    String columns =
        table.columns().stream()
            .map(
                c ->
                    c.name()
                        + " "
                        + c.type().snowflake()
                        + (table.keyColumns().contains(c.name()) || !nullable(table, c)
                            ? " NOT NULL"
                            : ""))
            .collect(Collectors.joining(", "));
    return "CREATE TABLE IF NOT EXISTS "
        + table.tableName()
        + " ("
        + columns
        + ", loaded_at TIMESTAMP_TZ NOT NULL DEFAULT CURRENT_TIMESTAMP(), PRIMARY KEY ("
        + String.join(", ", table.keyColumns())
        + "))";
  }

  private static boolean nullable(RawTable table, RawTable.Column column) {
    return switch (column.name()) {
      case "age",
          "masked_email",
          "preferred_language",
          "payment_method",
          "kafka_key",
          "raw_value_base64" ->
          true;
      case "item_id" -> table == RawTable.CART_EVENTS;
      default -> false;
    };
  }

  /**
   * @param table the target table
   * @param batchId the micro-batch id
   * @return {@code <TABLE>_STAGE_<batchId>}: one staging table per table and batch, so a replayed
   *     batch overwrites its own stage and never another batch's
   */
  public static String stageName(RawTable table, long batchId) {
    return (table.tableName() + "_stage_" + batchId).toUpperCase(Locale.ROOT);
  }

  /**
   * @return {@code CREATE OR REPLACE TABLE <stage> (...)} with the decoded column names and types
   *     the Spark connector would create (used where the connector cannot write, e.g. on fakesnow)
   */
  public static String createStage(RawTable table, String stage) {
    String columns =
        table.columns().stream()
            .map(c -> c.decodedField() + " " + stageType(c.type()))
            .collect(Collectors.joining(", "));
    return "CREATE OR REPLACE TABLE " + stage + " (" + columns + ")";
  }

  private static String stageType(RawTable.ColumnType type) {
    return switch (type) {
      case UUID, TEXT -> "VARCHAR";
      case SMALLINT, INTEGER -> "INTEGER";
      case BIGINT, TIMESTAMPTZ -> "BIGINT";
    };
  }

  /**
   * The idempotent merge of a staging table into its table: rows whose key is absent are inserted
   * (with {@code loaded_at = CURRENT_TIMESTAMP()}), present keys are left alone, and duplicates
   * inside the stage (a producer's resend in the same batch) collapse to the one with the lowest
   * Kafka coordinates first, because a MERGE inserts every unmatched source row.
   *
   * @param table the target table
   * @param stage the staging table ({@link #createStage} layout)
   * @return the MERGE statement; its result's first column is the number of rows inserted
   */
  public static String merge(RawTable table, String stage) {
    String key = String.join(", ", table.keyColumns());
    String on =
        table.keyColumns().stream()
            .map(k -> "t." + k + " = s." + k)
            .collect(Collectors.joining(" AND "));
    String sourceColumns =
        table.columns().stream()
            .map(
                c ->
                    c.type() == RawTable.ColumnType.TIMESTAMPTZ
                        ? "TO_TIMESTAMP_TZ(" + c.decodedField() + ", 3) AS " + c.name()
                        : c.decodedField() + " AS " + c.name())
            .collect(Collectors.joining(", "));
    String values =
        table.columns().stream().map(c -> "s." + c.name()).collect(Collectors.joining(", "));
    return "MERGE INTO "
        + table.tableName()
        + " AS t USING (SELECT "
        + sourceColumns
        + " FROM "
        + stage
        + " QUALIFY ROW_NUMBER() OVER (PARTITION BY "
        + key
        + " ORDER BY kafka_topic, kafka_partition, kafka_offset) = 1) AS s ON "
        + on
        + " WHEN NOT MATCHED THEN INSERT ("
        + table.columnList()
        + ", loaded_at) VALUES ("
        + values
        + ", CURRENT_TIMESTAMP())";
  }
}
