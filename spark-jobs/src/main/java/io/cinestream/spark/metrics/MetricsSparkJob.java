package io.cinestream.spark.metrics;

import io.cinestream.schemas.Topic;
import io.cinestream.spark.metrics.MetricsOptions.Job;
import io.cinestream.spark.metrics.MovieSalesMetrics.SalesRow;
import io.cinestream.spark.metrics.SessionMetrics.SessionRow;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The Spark metric jobs (docs/metrics.md, {@code ./pipeline metrics --engine spark}): three
 * Structured Streaming queries in one application, the comparison path of Flink's
 * RegistrationMetricsJob, SessionMetricsJob and MovieSalesJob.
 *
 * <ul>
 *   <li>{@value RegistrationMetrics#NAME}: {@link RegistrationMetrics} from {@code
 *       consumer_registration};
 *   <li>{@value SessionMetrics#NAME}: {@link SessionMetrics} from {@code sign_in} + {@code
 *       sign_out};
 *   <li>{@value MovieSalesMetrics#NAME}: {@link MovieSalesMetrics} from {@code added_to_cart} +
 *       {@code checkout_to_cart}, priced from the warehouse table {@code movies_catalog} (a static
 *       table, re-read by Spark at every micro-batch).
 * </ul>
 *
 * Each query has its own checkpoint ({@code <checkpoint-dir>/<query name>}) and writes with {@code
 * foreachBatch} through {@link MetricsWriter} (idempotent upserts, engine {@code spark}). With
 * {@code --once} every query uses the available-now trigger (what the topics hold at start, in one
 * or more micro-batches, plus the no-data batch that moves the watermark) and the application ends
 * when all three have; otherwise they run on a processing-time trigger until stopped.
 *
 * <p><b>Lateness, Spark vs Flink.</b> Spark's watermark moves only between micro-batches: batch N
 * uses {@code max event time of batches < N - delay} (see {@link MetricEvents}), and with several
 * stateful operators (Spark 3.5) rows are late when at or before the previous batch's watermark.
 * Flink judges every record against the watermark at its arrival. So an event Flink calls late
 * (behind a later event of the same micro-batch, or of the batch just before) is on time for Spark
 * and counts in its metrics; the reverse never happens. Spark drops its late rows inside its
 * stateful operators without handing them to user code (counted in the query progress, {@code
 * numRowsDroppedByWatermark}, logged per batch), so each job has a second query, {@code
 * <job>-late-events} ({@link LateEvents}), that writes the events behind the watermark to {@code
 * late_events} with Flink's rule and columns. Undecodable records are skipped and counted (the raw
 * loader writes their dead letters).
 *
 * <p>Run: {@code spark-submit --class io.cinestream.spark.metrics.MetricsSparkJob spark-jobs.jar
 * --bootstrap HOST:PORT --registry URL --jdbc-url URL [--once]}; options in {@link MetricsOptions}.
 */
public final class MetricsSparkJob {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsSparkJob.class);

  private MetricsSparkJob() {}

  /**
   * Parses arguments, builds the session and runs the selected queries. Exits with status 2 on bad
   * arguments, 1 when a query fails.
   *
   * @param args see {@link MetricsOptions}
   */
  public static void main(String[] args) {
    MetricsOptions options;
    try {
      options = MetricsOptions.parse(args);
    } catch (CommandLine.ParameterException e) {
      System.err.println(e.getMessage());
      e.getCommandLine().usage(System.err);
      System.exit(2);
      return;
    }
    if (options == null) {
      return;
    }
    SparkSession spark = SparkSession.builder().appName("spark-metrics").getOrCreate();
    int status = 0;
    try {
      run(spark, options);
    } catch (StreamingQueryException | TimeoutException e) {
      LOG.error("spark metric jobs failed", e);
      status = 1;
    } finally {
      spark.stop();
    }
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Starts the selected queries and waits until all have ended (with {@code --once}) or one fails.
   *
   * @param spark the session
   * @param options sources, sink, checkpoints, trigger
   * @throws StreamingQueryException when a query fails (its last batch stays uncommitted)
   * @throws TimeoutException when a query cannot start in time
   */
  public static void run(SparkSession spark, MetricsOptions options)
      throws StreamingQueryException, TimeoutException {
    ProgressLog progress = new ProgressLog();
    spark.streams().addListener(progress);
    MetricsWriter writer = new MetricsWriter(options.jdbcUrl(), options.jdbcProperties());
    LongAccumulator undecodable = spark.sparkContext().longAccumulator("undecodable-records");
    // The late-event queries read the same records: their undecodable ones are not counted twice.
    LongAccumulator again = spark.sparkContext().longAccumulator("undecodable-records-late");
    List<StreamingQuery> queries = new ArrayList<>();
    try {
      for (Job job : options.jobs()) {
        queries.add(start(spark, options, job, writer, undecodable));
        queries.add(startLateEvents(spark, options, job, writer, again));
      }
      for (StreamingQuery q : queries) {
        q.awaitTermination();
        LOG.info("{}: ended", q.name());
      }
      if (undecodable.value() > 0) {
        LOG.warn(
            "{} undecodable record(s) skipped (their dead letters are the raw loader's)",
            undecodable.value());
      }
    } finally {
      for (StreamingQuery q : queries) {
        if (q.isActive()) {
          q.stop();
        }
      }
      spark.streams().removeListener(progress);
    }
  }

  private static StreamingQuery start(
      SparkSession spark,
      MetricsOptions options,
      Job job,
      MetricsWriter writer,
      LongAccumulator undecodable)
      throws TimeoutException {
    DataStreamWriter<?> stream =
        switch (job) {
          case REGISTRATION -> {
            Dataset<Row> counts =
                RegistrationMetrics.slidingCounts(
                    MetricEvents.fromKafka(
                        spark, options, undecodable, Topic.CONSUMER_REGISTRATION),
                    options.maxOutOfOrderness());
            yield counts
                .writeStream()
                .foreachBatch(
                    (VoidFunction2<Dataset<Row>, Long>)
                        (batch, id) ->
                            log(
                                job,
                                id,
                                writer.writeRegistrations(
                                    RegistrationMetrics.withWindowTypes(batch).collectAsList())));
          }
          case SESSIONS ->
              SessionMetrics.rows(
                      MetricEvents.fromKafka(
                          spark, options, undecodable, Topic.SIGN_IN, Topic.SIGN_OUT),
                      options.maxOutOfOrderness(),
                      options.sessionTimeout())
                  .writeStream()
                  .foreachBatch(
                      (VoidFunction2<Dataset<SessionRow>, Long>)
                          (batch, id) -> log(job, id, writer.writeSessions(batch.collectAsList())));
          case SALES -> {
            java.util.Properties jdbc = options.jdbcProperties();
            // spark-submit's class loader hides the driver from DriverManager: name it.
            jdbc.setProperty("driver", "org.postgresql.Driver");
            Dataset<Row> prices =
                spark
                    .read()
                    .jdbc(options.jdbcUrl(), "movies_catalog", jdbc)
                    .select("item_id", "list_price_cents");
            yield MovieSalesMetrics.rows(
                    MetricEvents.fromKafka(
                        spark, options, undecodable, Topic.ADDED_TO_CART, Topic.CHECKOUT_TO_CART),
                    prices,
                    options.maxOutOfOrderness())
                .writeStream()
                .foreachBatch(
                    (VoidFunction2<Dataset<SalesRow>, Long>)
                        (batch, id) -> log(job, id, writer.writeSales(batch.collectAsList())));
          }
        };
    LOG.info(
        "{}: starting, checkpoint {}, {}",
        job.queryName(),
        options.checkpoint(job),
        options.once() ? "available-now" : "every " + options.triggerInterval());
    return stream
        .queryName(job.queryName())
        .option("checkpointLocation", options.checkpoint(job))
        .trigger(
            options.once()
                ? Trigger.AvailableNow()
                : Trigger.ProcessingTime(options.triggerInterval()))
        .start();
  }

  /**
   * The late-event query of {@code job} ({@link LateEvents}): the job's topics, its own checkpoint
   * ({@code <checkpoint-dir>/<query name>-late-events}) and trigger, rows to {@code late_events}.
   */
  private static StreamingQuery startLateEvents(
      SparkSession spark,
      MetricsOptions options,
      Job job,
      MetricsWriter writer,
      LongAccumulator undecodable)
      throws TimeoutException {
    Topic[] topics =
        switch (job) {
          case REGISTRATION -> new Topic[] {Topic.CONSUMER_REGISTRATION};
          case SESSIONS -> new Topic[] {Topic.SIGN_IN, Topic.SIGN_OUT};
          case SALES -> new Topic[] {Topic.ADDED_TO_CART, Topic.CHECKOUT_TO_CART};
        };
    String name = job.queryName() + "-late-events";
    return LateEvents.rows(
            MetricEvents.fromKafka(spark, options, undecodable, topics),
            job.queryName(),
            options.maxOutOfOrderness())
        .writeStream()
        .foreachBatch(
            (VoidFunction2<Dataset<LateEvents.LateRow>, Long>)
                (batch, id) -> {
                  int n = writer.writeLateEvents(batch.collectAsList());
                  if (n > 0) {
                    LOG.info("{}: batch {}: {} late event(s) recorded", name, id, n);
                  }
                })
        .queryName(name)
        .option("checkpointLocation", options.checkpoint(job) + "-late-events")
        .trigger(
            options.once()
                ? Trigger.AvailableNow()
                : Trigger.ProcessingTime(options.triggerInterval()))
        .start();
  }

  private static void log(Job job, long batchId, int rows) {
    LOG.info("{}: batch {}: {} metric row(s) upserted", job.queryName(), batchId, rows);
  }

  /** Logs each batch's input, watermark and rows dropped behind the watermark. */
  static final class ProgressLog extends StreamingQueryListener {
    @Override
    public void onQueryStarted(QueryStartedEvent event) {}

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      var p = event.progress();
      long dropped = 0;
      for (StateOperatorProgress op : p.stateOperators()) {
        dropped += op.numRowsDroppedByWatermark();
      }
      LOG.info(
          "{}: batch {}: {} input row(s), watermark {}, {} row(s) dropped behind the watermark",
          p.name(),
          p.batchId(),
          p.numInputRows(),
          p.eventTime().get("watermark"),
          dropped);
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {}
  }
}
