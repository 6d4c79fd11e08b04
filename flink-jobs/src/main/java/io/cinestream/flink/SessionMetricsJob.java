package io.cinestream.flink;

import io.cinestream.flink.functions.CountAggregate;
import io.cinestream.flink.functions.DeduplicateAndFlagLate;
import io.cinestream.flink.functions.EmitOrphanMinute;
import io.cinestream.flink.functions.SessionMinuteTicks;
import io.cinestream.flink.functions.SessionTickPartials;
import io.cinestream.flink.functions.SessionTracker;
import io.cinestream.flink.io.KafkaSources;
import io.cinestream.flink.io.WarehouseSinks;
import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.LateEvent;
import io.cinestream.flink.model.OrphanSignOuts;
import io.cinestream.flink.model.SessionChange;
import io.cinestream.flink.model.SessionMetric;
import io.cinestream.flink.model.SessionTickPartial;
import io.cinestream.flink.time.EventTime;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.warehouse.MetricJob;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.types.Either;

/**
 * {@code session_metrics} and {@code orphan_sign_outs} (docs/metrics.md#sessions).
 *
 * <p>Pipeline: {@code sign_in} + {@code sign_out} source -> dead letters out -> keyed by user_id,
 * {@link SessionTracker} (duplicate event ids dropped and late events out, fused into this step;
 * then the event-time ordered session state machine, one pending timer per user) emitting session
 * changes -> (a) per-minute rows in two phases: {@link SessionTickPartials}, chained to the tracker
 * (no shuffle), folds its subtask's changes into one partial per minute bucket; the global {@link
 * SessionMinuteTicks} (a single key: the aggregates are global by definition) combines them and
 * emits a row per event-time minute tick, with constant work per tick and one incoming record per
 * subtask and minute with changes; (b) orphan sign_outs counted per event-time minute [m, m+1min)
 * in tumbling windows (only minutes with orphans produce a row).
 */
public final class SessionMetricsJob {

  /** The job name (also the {@code job} column of its late events). */
  public static final String NAME = MetricJob.SESSION_METRICS.jobName();

  private static final int ALL_SESSIONS = 0;

  private final JobOptions options;
  private final Source<Either<DeadLetter, Event>, ?, ?> signEvents;
  private final Sink<SessionMetric> metrics;
  private final Sink<OrphanSignOuts> orphans;
  private final Sink<LateEvent> lateEvents;
  private final Sink<DeadLetter> deadLetters;

  /**
   * @param options watermark, dedup, session timeout and source settings
   * @param signEvents {@code sign_in} and {@code sign_out} events (or dead letters)
   * @param metrics receives the per-minute rows
   * @param orphans receives orphan sign_out counts per minute
   * @param lateEvents receives events behind the watermark
   * @param deadLetters receives undecodable records
   */
  public SessionMetricsJob(
      JobOptions options,
      Source<Either<DeadLetter, Event>, ?, ?> signEvents,
      Sink<SessionMetric> metrics,
      Sink<OrphanSignOuts> orphans,
      Sink<LateEvent> lateEvents,
      Sink<DeadLetter> deadLetters) {
    this.options = options;
    this.signEvents = signEvents;
    this.metrics = metrics;
    this.orphans = orphans;
    this.lateEvents = lateEvents;
    this.deadLetters = deadLetters;
  }

  /** Adds the job's operators to {@code env}. */
  public void build(StreamExecutionEnvironment env) {
    SingleOutputStreamOperator<SessionChange> changes =
        // Watermark ticks go on to the tracker (user 0): they extend the session ticks.
        CommonSteps.eventsAndTicks(env, options, NAME, signEvents, deadLetters)
            .keyBy(Event::userId)
            .process(new SessionTracker(NAME, options.sessionTimeout(), options.dedupRetention()))
            .uid("session-dedup-tracker")
            .name("session-dedup-tracker");
    CommonSteps.sinkLate(NAME, changes.getSideOutput(DeduplicateAndFlagLate.LATE), lateEvents);
    changes
        .transform(
            "session-tick-partials-per-subtask",
            TypeInformation.of(SessionTickPartial.class),
            new SessionTickPartials())
        .uid("session-tick-partials-per-subtask")
        .keyBy(p -> ALL_SESSIONS)
        .process(new SessionMinuteTicks(options.maxOutOfOrderness()))
        .uid("session-minute-ticks-global")
        .name("session-minute-ticks-global")
        .sinkTo(metrics)
        .uid(NAME + "-metrics-sink")
        .name("session-metrics-sink");
    changes
        .filter(c -> c.kind() == SessionChange.Kind.ORPHAN_SIGN_OUT)
        .name("orphan-sign-outs")
        .keyBy(c -> EventTime.floorMinute(c.timeMs()))
        .window(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
        .aggregate(new CountAggregate<>(), new EmitOrphanMinute())
        .uid("orphan-sign-outs-per-minute")
        .name("orphan-sign-outs-per-minute")
        .sinkTo(orphans)
        .uid(NAME + "-orphans-sink")
        .name("orphan-sign-outs-sink");
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
    new SessionMetricsJob(
            options,
            KafkaSources.events(options, NAME, Topic.SIGN_IN, Topic.SIGN_OUT),
            WarehouseSinks.sessionMetrics(options.jdbcUrl()),
            WarehouseSinks.orphanSignOuts(options.jdbcUrl()),
            WarehouseSinks.lateEvents(options.jdbcUrl()),
            WarehouseSinks.deadLetters(options.jdbcUrl()))
        .build(env);
    env.execute(NAME);
  }
}
