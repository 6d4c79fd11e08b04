package io.cinestream.spark.load;

import io.cinestream.schemas.warehouse.SqlDialect;
import io.cinestream.schemas.warehouse.WarehouseDdl;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The Snowflake SQL of the {@code snowflake} target
 * (docs/production.md#what-the-emulator-does-and-does-not-test): the raw tables' DDL (from the
 * schemas artifact's {@code db/snowflake} migrations), the per-batch staging tables and the
 * idempotent {@code MERGE} from a staging table into its table.
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
   * @return the table's {@code CREATE TABLE IF NOT EXISTS} statement from the Snowflake migrations
   *     of the schemas artifact ({@code db/snowflake/V1__raw_tables.sql}, {@link WarehouseDdl})
   */
  public static String createTable(RawTable table) {
    return WarehouseDdl.createTable(SqlDialect.SNOWFLAKE, table.tableName());
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
   * (with {@link RawTable#stampColumn()} {@code = CURRENT_TIMESTAMP()}), present keys are left
   * alone, and duplicates inside the stage (a producer's resend in the same batch) collapse to the
   * one with the lowest Kafka coordinates first, because a MERGE inserts every unmatched source
   * row.
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
        + ", "
        + table.stampColumn()
        + ") VALUES ("
        + values
        + ", CURRENT_TIMESTAMP())";
  }
}
