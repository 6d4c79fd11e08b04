package io.cinestream.flink;

import io.cinestream.flink.io.KafkaSources;
import io.cinestream.flink.io.WarehouseSinks;
import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.LateEvent;
import io.cinestream.flink.model.RegistrationMetric;
import io.cinestream.flink.sql.SqlTables;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.warehouse.Engine;
import java.time.LocalDateTime;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.types.Row;

/**
 * The Flink SQL peer of {@link RegistrationMetricsJob} (issue 21): the same {@code
 * user_registration_metrics} rows (docs/metrics.md#registration-windows) written the way a Flink
 * SQL user would, as windowing TVFs with {@code COUNT(DISTINCT user_id)} ({@link #SQL}).
 *
 * <p>Pipeline: the same source, decoder, watermarks and dead letters as the DataStream job ({@link
 * CommonSteps#onTimeEvents}, keyed by user_id: duplicates share the user), duplicate event ids
 * dropped and late events out in that DataStream step -> {@code registrations(user_id, rowtime)}
 * through the DataStream-to-Table bridge, the rowtime carrying the stream's watermark -> the SQL
 * below -> {@link RegistrationMetric} rows.
 *
 * <p>Deduplication stays a DataStream step on purpose: a SQL {@code ROW_NUMBER()} deduplication
 * cannot send the events behind the watermark to {@code late_events} (a SQL window drops them
 * silently), nor forget seen ids after 24 h of event time (only a wall-clock state TTL); the
 * DataStream step gives exactly DESIGN's dedup and late-event rows, and the SQL sees only on-time
 * first copies.
 */
public final class RegistrationMetricsSqlJob {

  /** The job name: the DataStream job's with {@code -sql} (also the job column of late events). */
  public static final String NAME = RegistrationMetricsJob.NAME + "-sql";

  /** The {@code engine} column value of this job's rows ({@code flink_sql}). */
  public static final String ENGINE = Engine.FLINK_SQL.sqlName();

  /**
   * The metric query over {@code registrations(user_id INT, rowtime TIMESTAMP_LTZ(3))}: one row per
   * (window_type, window) with at least one registration, window bounds in UTC.
   */
  public static final String SQL =
      """
      SELECT 'tumbling_1h' AS window_type, window_start, window_end,
             COUNT(DISTINCT user_id) AS registration_count
      FROM TABLE(TUMBLE(TABLE registrations, DESCRIPTOR(rowtime), INTERVAL '1' HOUR))
      GROUP BY window_start, window_end
      UNION ALL
      SELECT 'sliding_1h_15m' AS window_type, window_start, window_end,
             COUNT(DISTINCT user_id) AS registration_count
      FROM TABLE(
        HOP(TABLE registrations, DESCRIPTOR(rowtime), INTERVAL '15' MINUTE, INTERVAL '1' HOUR))
      GROUP BY window_start, window_end
      """;

  private final JobOptions options;
  private final Source<Either<DeadLetter, Event>, ?, ?> registrations;
  private final Sink<RegistrationMetric> metrics;
  private final Sink<LateEvent> lateEvents;
  private final Sink<DeadLetter> deadLetters;

  /**
   * @param options watermark, dedup and source settings
   * @param registrations {@code consumer_registration} events (or dead letters)
   * @param metrics receives the window rows
   * @param lateEvents receives events behind the watermark
   * @param deadLetters receives undecodable records
   */
  public RegistrationMetricsSqlJob(
      JobOptions options,
      Source<Either<DeadLetter, Event>, ?, ?> registrations,
      Sink<RegistrationMetric> metrics,
      Sink<LateEvent> lateEvents,
      Sink<DeadLetter> deadLetters) {
    this.options = options;
    this.registrations = registrations;
    this.metrics = metrics;
    this.lateEvents = lateEvents;
    this.deadLetters = deadLetters;
  }

  /** Adds the job's operators (DataStream steps, then the SQL) to {@code env}. */
  public void build(StreamExecutionEnvironment env) {
    CommonSteps.OnTime input =
        CommonSteps.onTimeEvents(
            env, options, NAME, registrations, deadLetters, Event::userId, "user");
    CommonSteps.sinkLate(NAME, input.late(), lateEvents);

    StreamTableEnvironment tableEnv = SqlTables.environment(env);
    tableEnv.createTemporaryView(
        "registrations",
        SqlTables.withRowtime(
            tableEnv,
            input
                .events()
                .map(e -> Row.of(e.userId()), Types.ROW_NAMED(new String[] {"user_id"}, Types.INT))
                .name("registrations-to-rows")));
    tableEnv
        .toDataStream(tableEnv.sqlQuery(SQL))
        .map(RegistrationMetricsSqlJob::toMetric, TypeInformation.of(RegistrationMetric.class))
        .name("rows-to-registration-metrics")
        .sinkTo(metrics)
        .uid(NAME + "-metrics-sink")
        .name("user-registration-metrics-sink");
  }

  /** A result row of {@link #SQL} as a {@link RegistrationMetric} (bounds in UTC ms). */
  static RegistrationMetric toMetric(Row row) {
    return new RegistrationMetric(
        row.<String>getFieldAs("window_type"),
        SqlTables.utcMs(row.<LocalDateTime>getFieldAs("window_start")),
        SqlTables.utcMs(row.<LocalDateTime>getFieldAs("window_end")),
        row.<Long>getFieldAs("registration_count"));
  }

  /**
   * Runs the job on Kafka and the warehouse, every row under engine {@code flink_sql}: beside the
   * DataStream job's {@code flink} rows, never over them, so that the bench can compare the two
   * (SQL {@code EXCEPT} both ways over the closed windows). Dead letters have no engine column and
   * are inserted if absent on their Kafka coordinates, like the DataStream job's.
   *
   * @param args see {@link JobOptions}
   * @throws Exception when the job fails (after the restart strategy gives up)
   */
  public static void main(String[] args) throws Exception {
    JobOptions options = JobOptions.fromArgs(args);
    StreamExecutionEnvironment env = JobEnvironment.create(options);
    new RegistrationMetricsSqlJob(
            options,
            KafkaSources.events(options, NAME, Topic.CONSUMER_REGISTRATION),
            WarehouseSinks.registrationMetrics(options.jdbcUrl(), ENGINE),
            WarehouseSinks.lateEvents(options.jdbcUrl(), ENGINE),
            WarehouseSinks.deadLetters(options.jdbcUrl()))
        .build(env);
    env.execute(NAME);
  }
}
