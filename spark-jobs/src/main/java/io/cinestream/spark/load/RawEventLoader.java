package io.cinestream.spark.load;

import io.cinestream.schemas.TickSignature;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.serde.SchemaRegistryClientFactory;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The raw-event loader (docs/architecture.md#warehouse-tables, {@code ./pipeline load}): streams
 * every event topic into the typed raw tables in micro-batches, exactly-once in effect.
 *
 * <p><b>Query layout.</b> One Structured Streaming query subscribes to all selected event topics;
 * its {@code foreachBatch} decodes the batch once ({@link DecodedEvents}) and the {@link
 * WarehouseWriter} routes each row to its table. Chosen over one query per table because on the
 * small machines this runs on (2 cores) four concurrent queries would compete for the same cores
 * and each pay its own planning, Kafka metadata and commit overhead per trigger, while one query
 * already writes the tables in parallel: each Spark task writes its own transaction. By default a
 * task is one Kafka topic-partition's slice (14 for the seven topics); {@code --write-tasks N}
 * coalesces them (no shuffle) into at most N tasks. Fewer tasks save per-task fixed costs (Kafka
 * consumer, registry client, connection, staging tables) but measured slower at 1,000,000 events on
 * 2 cores (docs/benchmark.md#raw-loader-throughput): with many tasks, one task's {@code INSERT ...
 * SELECT} in PostgreSQL overlaps the next task's decoding. One query also means one checkpoint to
 * reason about when recovering, and one place for the dead letters of every topic. The price: a
 * table the warehouse rejects stops all tables, which is what we want for a raw layer (no table may
 * run ahead of a broken one silently). The query's checkpoint is {@code <checkpoint-dir>/<target>},
 * so the two targets never share offsets.
 *
 * <p><b>Exactly-once in effect.</b> Spark keeps the Kafka offsets of each batch in the checkpoint
 * and commits them only after {@code foreachBatch} returns; the writers are idempotent (insert if
 * {@code event_id} is absent; dead letters keyed by topic, partition, offset). A batch replayed
 * after a crash therefore changes nothing, and producer duplicates are inserted once.
 *
 * <p><b>Dead letters.</b> Records that cannot be decoded (bad magic byte, unknown schema id,
 * truncated, bad Avro), come from a topic no table takes, or hold values their table rejects go to
 * {@code dead_letter_events} with topic, partition, offset, key, base64 value and the error; the
 * query keeps running. An unreachable registry fails the batch instead (see {@link
 * DecodedEvents#decode}).
 *
 * <p><b>Bronze lake.</b> With {@code --lake URI} each micro-batch is also written to the {@link
 * BronzeLake} (before the warehouse, decoded once and persisted for both writes, with {@link
 * BronzeLake#WRITE_SETTINGS} on the session), exactly once per Kafka record: its files are named
 * after the query id and batch id, so a replay replaces them.
 *
 * <p><b>Watermark ticks</b> ({@link io.cinestream.schemas.WatermarkTick}, written at the end of a
 * bounded run for the metric jobs) are no events: each goes to {@code watermark_ticks} (its Kafka
 * coordinates and event time, counted in the batch's metrics line like a table), where the
 * reference reads how far the engines' watermarks went (docs/metrics.md#sessions).
 *
 * <p>Run: {@code spark-submit --class io.cinestream.spark.load.RawEventLoader
 * spark-jobs/target/spark-jobs.jar --bootstrap 127.0.0.1:9092 --registry http://127.0.0.1:8081
 * --jdbc-url jdbc:postgresql://127.0.0.1:5432/cinestream?user=postgres [--once]}; options in {@link
 * LoaderOptions}.
 */
public final class RawEventLoader {

  private static final Logger LOG = LoggerFactory.getLogger(RawEventLoader.class);

  private RawEventLoader() {}

  /**
   * Parses the arguments, builds the session (master and resources come from spark-submit) and runs
   * the query until it ends ({@code --once}) or the process is stopped. Exits with status 2 on bad
   * arguments, 1 when the query fails.
   *
   * @param args see {@link LoaderOptions}
   */
  public static void main(String[] args) {
    LoaderOptions options;
    try {
      options = LoaderOptions.parse(args);
    } catch (CommandLine.ParameterException e) {
      System.err.println(e.getMessage());
      e.getCommandLine().usage(System.err);
      System.exit(2);
      return;
    }
    if (options == null) {
      return;
    }
    SparkSession spark = SparkSession.builder().appName("raw-event-loader").getOrCreate();
    int status = 0;
    try {
      run(spark, options, writerFor(options));
    } catch (StreamingQueryException | TimeoutException e) {
      LOG.error("raw-event loader failed", e);
      status = 1;
    } finally {
      spark.stop();
    }
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * The writer of the target chosen on the command line.
   *
   * @throws IllegalArgumentException for {@code snowflake} when its environment is incomplete
   */
  public static WarehouseWriter writerFor(LoaderOptions options) {
    return switch (options.target()) {
      case POSTGRES ->
          new PostgresWarehouseWriter(
              options.jdbcUrl(), options.jdbcProperties(), options.pgWriteMode());
      case SNOWFLAKE -> SnowflakeWarehouseWriter.fromEnvironment(System.getenv());
    };
  }

  /**
   * Starts the query and waits until it ends: with {@code --once} when every record available at
   * start is loaded, otherwise when it is stopped or fails.
   *
   * @param spark the session
   * @param options sources, checkpoint and trigger
   * @param writer the warehouse writer
   * @throws StreamingQueryException when a micro-batch fails (its offsets stay uncommitted)
   * @throws TimeoutException when the query cannot start in time
   */
  public static void run(SparkSession spark, LoaderOptions options, WarehouseWriter writer)
      throws StreamingQueryException, TimeoutException {
    String name = queryName(options);
    LoaderMetrics metrics = new LoaderMetrics(name);
    spark.streams().addListener(metrics);
    try {
      StreamingQuery query = start(spark, options, writer, metrics);
      query.awaitTermination();
      LOG.info("{}: stopped", name);
    } finally {
      spark.streams().removeListener(metrics);
    }
  }

  /**
   * Starts the loader query without waiting.
   *
   * @param spark the session
   * @param options sources, checkpoint and trigger
   * @param writer the warehouse writer ({@link WarehouseWriter#prepare()} is called first)
   * @param metrics receives each batch's counts; must be registered as a listener for the metrics
   *     line to be logged
   * @return the running query, named {@code raw-events-<target>}
   * @throws TimeoutException when the query cannot start in time
   */
  public static StreamingQuery start(
      SparkSession spark, LoaderOptions options, WarehouseWriter writer, LoaderMetrics metrics)
      throws TimeoutException {
    writer.prepare();
    String registryUrl = options.registry();
    SchemaRegistryClientFactory registry = SchemaRegistryClientFactory.forUrl(registryUrl);
    String topics =
        options.topics().stream().map(Topic::topicName).collect(Collectors.joining(","));
    DataStreamReader reader =
        spark
            .readStream()
            .format("kafka")
            .option("kafka.bootstrap.servers", options.bootstrap())
            .option("subscribe", topics)
            .option("startingOffsets", options.startingOffsets())
            // Losing offsets (retention ran past the checkpoint) must stop the loader loudly.
            .option("failOnDataLoss", "true")
            // Watermark ticks are recognized by their header (WatermarkTick).
            .option("includeHeaders", "true");
    if (options.maxOffsetsPerTrigger() != null) {
      reader = reader.option("maxOffsetsPerTrigger", options.maxOffsetsPerTrigger());
    }
    for (var e : options.kafkaOptions().entrySet()) {
      reader = reader.option("kafka." + e.getKey(), e.getValue());
    }
    Dataset<Row> kafka = reader.load();
    String name = queryName(options);
    // Read on the driver, shipped to the executors with the closure (TickSignature).
    byte[] tickKey = TickSignature.keyFromEnvironment(System.getenv());
    Integer writeTasks = options.writeTasks();
    java.time.Duration maxEventTimeAhead = options.maxEventTimeAhead();
    BronzeLake lake = options.lake() != null ? new BronzeLake(options.lake()) : null;
    if (lake != null) {
      BronzeLake.applyWriteSettings(spark);
    }
    VoidFunction2<Dataset<Row>, Long> writeBatch =
        (batch, batchId) -> {
          Dataset<Row> slices = writeTasks != null ? batch.coalesce(writeTasks) : batch;
          Dataset<Row> decoded = DecodedEvents.decode(slices, registry, tickKey, maxEventTimeAhead);
          if (lake == null) {
            metrics.recordWrite(batchId, writer.write(decoded, batchId));
            return;
          }
          // Decoded once for both writes: the lake and the warehouse see the same rows even where
          // decoding depends on the wall clock (--max-event-time-ahead).
          decoded = decoded.persist(StorageLevel.MEMORY_AND_DISK());
          try {
            long lakeStarted = System.nanoTime();
            int files = lake.write(decoded, queryId(batch), batchId);
            LOG.info(
                "{}: batch {}: lake {} file(s) in {} ms",
                name,
                batchId,
                files,
                (System.nanoTime() - lakeStarted) / 1_000_000);
            metrics.recordWrite(batchId, writer.write(decoded, batchId));
          } finally {
            decoded.unpersist();
          }
        };
    LOG.info(
        "{}: topics {} -> {}{}, {} per batch, checkpoint {}, {}",
        name,
        topics,
        writer,
        lake != null ? " + " + lake : "",
        writeTasks != null ? "at most " + writeTasks + " tasks" : "one task per topic-partition",
        options.queryCheckpoint(),
        options.once() ? "available-now" : "every " + options.triggerInterval());
    return kafka
        .writeStream()
        .queryName(name)
        .option("checkpointLocation", options.queryCheckpoint())
        .trigger(
            options.once()
                ? Trigger.AvailableNow()
                : Trigger.ProcessingTime(options.triggerInterval()))
        .foreachBatch(writeBatch)
        .start();
  }

  /**
   * The id of the streaming query running a {@code foreachBatch} call: Spark sets it as a local
   * property of the query's thread; it is kept in the checkpoint, so it is the same after a
   * restart.
   *
   * @throws IllegalStateException when called outside a streaming query
   */
  static String queryId(Dataset<Row> batch) {
    String id = batch.sparkSession().sparkContext().getLocalProperty("sql.streaming.queryId");
    if (id == null) {
      throw new IllegalStateException("not inside a streaming query's micro-batch");
    }
    return id;
  }

  /** {@code raw-events-<target>}. */
  static String queryName(LoaderOptions options) {
    return "raw-events-" + options.target().name().toLowerCase(Locale.ROOT);
  }
}
