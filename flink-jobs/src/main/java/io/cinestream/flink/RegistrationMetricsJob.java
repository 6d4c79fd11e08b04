package io.cinestream.flink;

import io.cinestream.flink.functions.DeduplicateAndFlagLate;
import io.cinestream.flink.functions.FirstPresenceInWindows;
import io.cinestream.flink.functions.PreAggregateWindowPresence;
import io.cinestream.flink.functions.SumWindowPresence;
import io.cinestream.flink.io.KafkaSources;
import io.cinestream.flink.io.WarehouseSinks;
import io.cinestream.flink.logic.RegistrationWindows;
import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.LateEvent;
import io.cinestream.flink.model.RegistrationMetric;
import io.cinestream.flink.model.WindowPresence;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.warehouse.MetricJob;
import io.cinestream.schemas.warehouse.WindowType;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * {@code user_registration_metrics} (docs/metrics.md#registration-windows): the number of DISTINCT
 * user_id registered in each UTC-aligned event-time window, {@code tumbling_1h} ([h, h+1h)) and
 * {@code sliding_1h_15m} (1 h windows starting every 15 min).
 *
 * <p>Pipeline: {@code consumer_registration} source (bounded out-of-orderness watermarks with
 * idleness) -> dead letters out -> keyed by user_id, {@link FirstPresenceInWindows}: duplicate
 * event ids dropped and late events out (fused into this step: duplicates share the user_id, so
 * there is no shuffle by event id), then one "present" per (user, window) the first time the user
 * registers in that window (the user's state: the 15-minute slots already counted and the seen ids,
 * one pending timer) -> {@link PreAggregateWindowPresence}, chained: the presences of each window
 * summed per subtask and sent once, when the watermark reaches the window's end -> keyed by window,
 * {@link SumWindowPresence}: the sum of the partials, emitted when the watermark passes the window
 * end. Only windows with at least one registration produce a row.
 *
 * <p>The distinct count is thus computed in two keyed stages and scales with parallelism; no state
 * ever holds a set of user ids. Both window types are computed by the same per-user step: every
 * window is an hour starting on a 15-minute boundary (see {@link RegistrationWindows}), so one
 * state entry and one timer per user replace a Flink window operator per window type (five window
 * states and timers per registration), each event crosses the network once on its way to it, and
 * the second stage receives one record per (subtask, window) rather than five per registration.
 */
public final class RegistrationMetricsJob {

  /** The job name (also the {@code job} column of its late events). */
  public static final String NAME = MetricJob.REGISTRATION_METRICS.jobName();

  /** window_type of the hourly tumbling windows. */
  public static final String TUMBLING_1H = WindowType.TUMBLING_1H.sqlName();

  /** window_type of the 1 h windows sliding by 15 min. */
  public static final String SLIDING_1H_15M = WindowType.SLIDING_1H_15M.sqlName();

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
  public RegistrationMetricsJob(
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

  /** Adds the job's operators to {@code env}. */
  public void build(StreamExecutionEnvironment env) {
    SingleOutputStreamOperator<WindowPresence> presences =
        CommonSteps.events(env, options, NAME, registrations, deadLetters)
            .keyBy(Event::userId)
            .process(new FirstPresenceInWindows(NAME, options.dedupRetention()))
            .uid("registrations-dedup-first-presence-per-user")
            .name("registrations-dedup-first-presence-per-user");
    presences
        .transform(
            "registrations-pre-aggregate-per-window",
            TypeInformation.of(WindowPresence.class),
            new PreAggregateWindowPresence())
        .uid("registrations-pre-aggregate-per-window")
        .keyBy(WindowPresence::windowKey)
        .process(new SumWindowPresence())
        .uid("registrations-distinct-per-window")
        .name("registrations-distinct-per-window")
        .sinkTo(metrics)
        .uid(NAME + "-metrics-sink")
        .name("user-registration-metrics-sink");
    CommonSteps.sinkLate(NAME, presences.getSideOutput(DeduplicateAndFlagLate.LATE), lateEvents);
  }

  /**
   * Runs the job on Kafka and the warehouse.
   *
   * @param args see {@link JobOptions}
   * @throws Exception when the job fails (after the restart strategy gives up)
   */
  public static void main(String[] args) throws Exception {
    JobOptions options = JobOptions.fromArgs(args);
    StreamExecutionEnvironment env = JobEnvironment.create(options);
    new RegistrationMetricsJob(
            options,
            KafkaSources.events(options, NAME, Topic.CONSUMER_REGISTRATION),
            WarehouseSinks.registrationMetrics(options.jdbcUrl()),
            WarehouseSinks.lateEvents(options.jdbcUrl()),
            WarehouseSinks.deadLetters(options.jdbcUrl()))
        .build(env);
    env.execute(NAME);
  }
}
