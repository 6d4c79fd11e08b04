package io.cinestream.spark.load;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Where {@link RawEventLoader} writes a decoded micro-batch: {@link PostgresWarehouseWriter}
 * (target {@code postgres}) or {@link SnowflakeWarehouseWriter} (target {@code snowflake}).
 *
 * <p>Contract (docs/architecture.md#warehouse-tables): a write is idempotent. Event rows are
 * inserted only when their {@code event_id} is absent, dead letters only when their Kafka
 * coordinates are absent, so the replay of a micro-batch after a crash, or a producer's duplicate
 * send, changes nothing.
 */
public interface WarehouseWriter {

  /**
   * Prepares the target once before the query starts (e.g. creates missing tables). Default: none.
   *
   * @throws RuntimeException when the warehouse cannot be reached
   */
  default void prepare() {}

  /**
   * Writes one micro-batch.
   *
   * @param decoded rows of {@link DecodedEvents#SCHEMA}, routed by their {@code target}
   * @param batchId the Structured Streaming batch id (the same id on a replay)
   * @return rows offered and rows newly inserted, per table
   * @throws RuntimeException (a Spark or SQL exception) when the warehouse rejects the batch; the
   *     query then stops without committing the batch's offsets, and a restart replays it
   */
  BatchResult write(Dataset<Row> decoded, long batchId);

  /** The target name used on the command line, e.g. {@code postgres}. */
  String target();
}
