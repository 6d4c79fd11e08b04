package io.cinestream.spark.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the catalogue into PostgreSQL, idempotently, from the executors ({@code foreachPartition},
 * one connection and transaction per partition, batched statements).
 *
 * <ul>
 *   <li>{@code movies_catalog}: upsert on {@code item_id}; an existing row is updated, and its
 *       {@code updated_at} set to {@code now()}, only when at least one content column (everything
 *       but {@code updated_at}, including {@code source_records}) IS DISTINCT FROM the new value,
 *       so re-running on the same file changes nothing.
 *   <li>{@code movies_catalog_quarantine}: insert, {@code ON CONFLICT (record_hash) DO NOTHING}.
 * </ul>
 *
 * Tables: {@code db/postgres/V2__movie_catalog.sql} of the schemas artifact. Serializable: it only
 * carries the URL and connection properties.
 */
public final class JdbcCatalogWriter implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(JdbcCatalogWriter.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Rows per JDBC batch. */
  static final int BATCH_SIZE = 500;

  /** Columns compared to decide whether an existing product changed. */
  private static final String CONTENT =
      "title, product_group, binding, genre, release_date, running_time_min, audience_rating,"
          + " list_price_cents, currency, trade_in_value_cents, attributes, source_records";

  static final String UPSERT_SQL =
      "INSERT INTO movies_catalog AS t (item_id, "
          + CONTENT
          + ", updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, now())"
          + " ON CONFLICT (item_id) DO UPDATE SET"
          + " title = EXCLUDED.title, product_group = EXCLUDED.product_group,"
          + " binding = EXCLUDED.binding, genre = EXCLUDED.genre,"
          + " release_date = EXCLUDED.release_date, running_time_min = EXCLUDED.running_time_min,"
          + " audience_rating = EXCLUDED.audience_rating,"
          + " list_price_cents = EXCLUDED.list_price_cents, currency = EXCLUDED.currency,"
          + " trade_in_value_cents = EXCLUDED.trade_in_value_cents,"
          + " attributes = EXCLUDED.attributes, source_records = EXCLUDED.source_records,"
          + " updated_at = now()"
          + " WHERE (t.title, t.product_group, t.binding, t.genre, t.release_date,"
          + " t.running_time_min, t.audience_rating, t.list_price_cents, t.currency,"
          + " t.trade_in_value_cents, t.attributes, t.source_records)"
          + " IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.product_group, EXCLUDED.binding,"
          + " EXCLUDED.genre, EXCLUDED.release_date, EXCLUDED.running_time_min,"
          + " EXCLUDED.audience_rating, EXCLUDED.list_price_cents, EXCLUDED.currency,"
          + " EXCLUDED.trade_in_value_cents, EXCLUDED.attributes, EXCLUDED.source_records)";

  static final String QUARANTINE_SQL =
      "INSERT INTO movies_catalog_quarantine (record_hash, source_file, item_label, reason,"
          + " raw_record) VALUES (?, ?, ?, ?, ?) ON CONFLICT (record_hash) DO NOTHING";

  private final String jdbcUrl;
  private final Properties connectionProperties;

  /**
   * @param jdbcUrl e.g. {@code jdbc:postgresql://127.0.0.1:5432/cinestream}
   * @param connectionProperties {@code user}, {@code password} and other pgjdbc properties (may be
   *     empty when the URL carries them)
   */
  public JdbcCatalogWriter(String jdbcUrl, Properties connectionProperties) {
    this.jdbcUrl = jdbcUrl;
    this.connectionProperties = new Properties();
    this.connectionProperties.putAll(connectionProperties);
  }

  /**
   * Upserts products, as described in the class comment.
   *
   * @param products rows with {@link CatalogTransforms#PRODUCT_COLUMNS}, unique {@code item_id}
   * @throws org.apache.spark.SparkException wrapping the {@link SQLException} when a batch fails
   *     (that partition's transaction is rolled back; Spark may retry the task, which is safe)
   */
  public void upsertProducts(Dataset<Row> products) {
    products.foreachPartition((ForeachPartitionFunction<Row>) this::upsertPartition);
  }

  /**
   * Inserts quarantined records that are not there yet.
   *
   * @param quarantined rows of {@link CatalogTransforms#QUARANTINE_SCHEMA}
   * @throws org.apache.spark.SparkException wrapping the {@link SQLException} when a batch fails
   */
  public void insertQuarantine(Dataset<Row> quarantined) {
    quarantined.foreachPartition((ForeachPartitionFunction<Row>) this::quarantinePartition);
  }

  void upsertPartition(Iterator<Row> rows) throws SQLException {
    int written =
        inTransaction(
            UPSERT_SQL,
            rows,
            (ps, r) -> {
              ps.setString(1, r.getAs("item_id"));
              ps.setString(2, r.getAs("title"));
              ps.setString(3, r.getAs("product_group"));
              ps.setString(4, r.getAs("binding"));
              ps.setString(5, r.getAs("genre"));
              LocalDate releaseDate = CatalogTransforms.releaseDate(r);
              ps.setObject(6, releaseDate, Types.DATE);
              ps.setObject(7, r.getAs("running_time_min"), Types.INTEGER);
              ps.setString(8, r.getAs("audience_rating"));
              ps.setObject(9, r.getAs("list_price_cents"), Types.BIGINT);
              ps.setString(10, r.getAs("currency"));
              ps.setObject(11, r.getAs("trade_in_value_cents"), Types.BIGINT);
              ps.setString(12, attributesJson(r.getJavaMap(r.fieldIndex("attributes"))));
              ps.setInt(13, r.<Integer>getAs("source_records"));
            });
    LOG.info("movies_catalog: upserted a partition of {} products", written);
  }

  void quarantinePartition(Iterator<Row> rows) throws SQLException {
    int written =
        inTransaction(
            QUARANTINE_SQL,
            rows,
            (ps, r) -> {
              ps.setString(1, r.getAs("record_hash"));
              ps.setString(2, r.getAs("source_file"));
              ps.setString(3, r.getAs("item_label"));
              ps.setString(4, r.getAs("reason"));
              ps.setString(5, r.getAs("raw_record"));
            });
    LOG.info("movies_catalog_quarantine: offered a partition of {} records", written);
  }

  /**
   * @param attributes attribute name to raw value
   * @return a JSON object with the attributes sorted by name (a stable text; JSONB compares by
   *     content anyway)
   */
  static String attributesJson(Map<String, String> attributes) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(attributes));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serializes", e);
    }
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement statement, Row row) throws SQLException;
  }

  private int inTransaction(String sql, Iterator<Row> rows, Binder binder) throws SQLException {
    if (!rows.hasNext()) {
      return 0;
    }
    int count = 0;
    try (Connection connection = DriverManager.getConnection(jdbcUrl, connectionProperties)) {
      connection.setAutoCommit(false);
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        int pending = 0;
        while (rows.hasNext()) {
          binder.bind(statement, rows.next());
          statement.addBatch();
          count++;
          if (++pending == BATCH_SIZE) {
            statement.executeBatch();
            pending = 0;
          }
        }
        if (pending > 0) {
          statement.executeBatch();
        }
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        // pgjdbc reports the failing row's cause only as the next exception of a batch failure.
        if (e.getNextException() != null) {
          e.addSuppressed(e.getNextException());
        }
        throw e;
      } catch (RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
    return count;
  }
}
