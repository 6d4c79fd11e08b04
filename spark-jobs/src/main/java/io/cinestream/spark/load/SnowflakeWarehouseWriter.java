package io.cinestream.spark.load;

import static org.apache.spark.sql.functions.col;

import io.cinestream.schemas.warehouse.SqlDialect;
import io.cinestream.schemas.warehouse.WarehouseDdl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.snowflake.spark.snowflake.Utils;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code snowflake} target (docs/production.md#what-the-emulator-does-and-does-not-test): each
 * table's rows of a micro-batch are written with the spark-snowflake connector into a per-batch
 * staging table ({@link SnowflakeSql#stageName}), then merged into the table with {@link
 * SnowflakeSql#merge} through {@code Utils.runQuery}, and the stage is dropped. The MERGE inserts
 * only absent keys, so a replayed batch changes nothing; a crash between MERGE and DROP leaves a
 * stage that the replay overwrites.
 *
 * <p>Settings come from the environment ({@link #fromEnvironment}): {@code SNOWFLAKE_URL} (account
 * URL, e.g. {@code myorg-myacct.snowflakecomputing.com}), {@code SNOWFLAKE_USER}, either {@code
 * SNOWFLAKE_PRIVATE_KEY_FILE} (unencrypted PKCS#8 PEM, key-pair auth) or {@code
 * SNOWFLAKE_PASSWORD}, {@code SNOWFLAKE_WAREHOUSE}, {@code SNOWFLAKE_DATABASE}, {@code
 * SNOWFLAKE_SCHEMA}, and optionally {@code SNOWFLAKE_ROLE}.
 */
public final class SnowflakeWarehouseWriter implements WarehouseWriter {

  private static final Logger LOG = LoggerFactory.getLogger(SnowflakeWarehouseWriter.class);

  /** The spark-snowflake data source name. */
  public static final String SOURCE = "net.snowflake.spark.snowflake";

  private final Map<String, String> sfOptions;

  /**
   * @param sfOptions spark-snowflake options ({@code sfURL}, {@code sfUser}, {@code sfPassword} or
   *     {@code pem_private_key}, {@code sfWarehouse}, {@code sfDatabase}, {@code sfSchema}, ...)
   */
  public SnowflakeWarehouseWriter(Map<String, String> sfOptions) {
    this.sfOptions = new LinkedHashMap<>(sfOptions);
  }

  /**
   * Builds the writer from environment variables (see the class comment).
   *
   * @param env the environment, e.g. {@code System.getenv()}
   * @throws IllegalArgumentException naming every missing variable, or when the key file cannot be
   *     read
   */
  public static SnowflakeWarehouseWriter fromEnvironment(Map<String, String> env) {
    return new SnowflakeWarehouseWriter(optionsFromEnvironment(env));
  }

  /**
   * @param env the environment
   * @return the spark-snowflake options the environment describes
   * @throws IllegalArgumentException as {@link #fromEnvironment}
   */
  static Map<String, String> optionsFromEnvironment(Map<String, String> env) {
    List<String> missing = new ArrayList<>();
    for (String name :
        List.of(
            "SNOWFLAKE_URL",
            "SNOWFLAKE_USER",
            "SNOWFLAKE_WAREHOUSE",
            "SNOWFLAKE_DATABASE",
            "SNOWFLAKE_SCHEMA")) {
      if (blank(env.get(name))) {
        missing.add(name);
      }
    }
    if (blank(env.get("SNOWFLAKE_PRIVATE_KEY_FILE")) && blank(env.get("SNOWFLAKE_PASSWORD"))) {
      missing.add("SNOWFLAKE_PRIVATE_KEY_FILE or SNOWFLAKE_PASSWORD");
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "--target snowflake needs the environment variables " + String.join(", ", missing));
    }
    Map<String, String> options = new LinkedHashMap<>();
    options.put("sfURL", env.get("SNOWFLAKE_URL").replaceFirst("^https?://", ""));
    options.put("sfUser", env.get("SNOWFLAKE_USER"));
    if (!blank(env.get("SNOWFLAKE_PRIVATE_KEY_FILE"))) {
      options.put("pem_private_key", pemBody(Path.of(env.get("SNOWFLAKE_PRIVATE_KEY_FILE"))));
    } else {
      options.put("sfPassword", env.get("SNOWFLAKE_PASSWORD"));
    }
    options.put("sfWarehouse", env.get("SNOWFLAKE_WAREHOUSE"));
    options.put("sfDatabase", env.get("SNOWFLAKE_DATABASE"));
    options.put("sfSchema", env.get("SNOWFLAKE_SCHEMA"));
    if (!blank(env.get("SNOWFLAKE_ROLE"))) {
      options.put("sfRole", env.get("SNOWFLAKE_ROLE"));
    }
    // Event times are written as TIMESTAMP_TZ in UTC whatever the account's default.
    options.put("sfTimezone", "UTC");
    // snowflake-jdbc 3.28 probes cloud metadata endpoints at every login to report the platform;
    // the connector passes unknown options to the driver, which knows this one.
    options.put("disablePlatformDetection", "true");
    return options;
  }

  /** The base64 body of a PEM file, without its BEGIN/END lines, as spark-snowflake wants it. */
  private static String pemBody(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII)
          .replaceAll("-----(BEGIN|END)[A-Z ]*-----", "")
          .replaceAll("\\s", "");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read SNOWFLAKE_PRIVATE_KEY_FILE " + file, e);
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  @Override
  public String target() {
    return "snowflake";
  }

  /**
   * Creates the warehouse tables that are missing: every statement of the Snowflake migrations
   * ({@link WarehouseDdl#statements}, all {@code CREATE TABLE IF NOT EXISTS}), so the raw,
   * catalogue and metric tables exist before the first batch.
   */
  @Override
  public void prepare() {
    for (String statement : WarehouseDdl.statements(SqlDialect.SNOWFLAKE)) {
      runQuery(statement);
    }
  }

  /**
   * @throws RuntimeException when the connector or a statement fails; the batch is then replayed
   *     after a restart, which the MERGE makes harmless
   */
  @Override
  public BatchResult write(Dataset<Row> decoded, long batchId) {
    long started = System.nanoTime();
    // Each table is one pass over the batch: keep the decoded rows instead of re-reading Kafka.
    Dataset<Row> rows = decoded.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<RawTable, Long> offered = new EnumMap<>(RawTable.class);
      for (Row r : rows.groupBy("target").count().collectAsList()) {
        offered.put(RawTable.byName(r.getString(0)), r.getLong(1));
      }
      Map<RawTable, Long> inserted = new EnumMap<>(RawTable.class);
      for (RawTable table : offered.keySet()) {
        String stage = SnowflakeSql.stageName(table, batchId);
        stageRows(rows, table)
            .write()
            .format(SOURCE)
            .options(sfOptions)
            .option("dbtable", stage)
            .mode(SaveMode.Overwrite)
            .save();
        inserted.put(table, mergeStage(table, stage));
        runQuery("DROP TABLE IF EXISTS " + stage);
      }
      return new BatchResult(offered, inserted, (System.nanoTime() - started) / 1_000_000);
    } finally {
      rows.unpersist();
    }
  }

  /**
   * @param decoded rows of {@link DecodedEvents#SCHEMA}
   * @param table a table
   * @return the table's rows in the {@link SnowflakeSql#createStage} layout
   */
  static Dataset<Row> stageRows(Dataset<Row> decoded, RawTable table) {
    Column[] columns =
        table.columns().stream().map(c -> col(c.decodedField())).toArray(Column[]::new);
    return decoded.filter(col("target").equalTo(table.tableName())).select(columns);
  }

  /**
   * Merges a staging table into its table through {@code Utils.runQuery}.
   *
   * @return rows inserted, or {@link BatchResult#UNKNOWN} when the result carries no count
   * @throws IllegalStateException wrapping the {@link SQLException} when the MERGE fails
   */
  long mergeStage(RawTable table, String stage) {
    try (ResultSet rs = runQuery(SnowflakeSql.merge(table, stage))) {
      long inserted = rs.next() ? rs.getLong(1) : BatchResult.UNKNOWN;
      LOG.debug("{}: merged {} rows from {}", table.tableName(), inserted, stage);
      return inserted;
    } catch (SQLException e) {
      throw new IllegalStateException("MERGE of " + stage + " into " + table.tableName(), e);
    }
  }

  private ResultSet runQuery(String sql) {
    return Utils.runQuery(sfOptions, sql);
  }

  @Override
  public String toString() {
    return "snowflake(" + sfOptions.get("sfURL") + "/" + sfOptions.get("sfDatabase") + ")";
  }
}
