package io.cinestream.flink;

import io.cinestream.flink.functions.DeduplicateAndFlagLate;
import io.cinestream.flink.functions.DropWatermarkTicks;
import io.cinestream.flink.functions.SplitDecoded;
import io.cinestream.flink.io.EventWatermarks;
import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.LateEvent;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * The steps every job starts with (docs/metrics.md#watermark): read with watermarks assigned at the
 * source, route undecodable records to the dead-letter sink, drop watermark ticks; then drop
 * duplicate event ids and send events behind the watermark to the late-event sink, either in the
 * job's own per-user step or in a step of their own ({@link #onTimeEvents}).
 */
final class CommonSteps {

  private CommonSteps() {}

  /**
   * Reads a job's events: the source with watermarks assigned at the source, undecodable records to
   * the dead-letter sink, watermark ticks dropped (all chained to the source). Not yet
   * deduplicated: a DataStream job does that in its first keyed step ({@code EventIdDedup}, per
   * user or per cart), the Flink SQL peers through {@link #onTimeEvents}.
   *
   * @param env the environment to add the steps to
   * @param options watermark delay, idleness, source parallelism
   * @param jobName e.g. {@code session-metrics}: prefix of the uids
   * @param source decoded events or dead letters
   * @param deadLetters where undecodable records go
   * @return the decoded events with event-time timestamps, duplicates and late events included
   */
  static DataStream<Event> events(
      StreamExecutionEnvironment env,
      JobOptions options,
      String jobName,
      Source<Either<DeadLetter, Event>, ?, ?> source,
      Sink<DeadLetter> deadLetters) {
    // Watermark ticks have moved their partition's watermark in the source's assigner; drop them
    // before anything else sees them (chained too).
    DataStream<Event> decoded = eventsAndTicks(env, options, jobName, source, deadLetters);
    return decoded
        .filter(new DropWatermarkTicks())
        .uid(jobName + "-drop-watermark-ticks")
        .name("drop-watermark-ticks")
        .setParallelism(decoded.getParallelism());
  }

  /**
   * As {@link #events}, with the watermark ticks ({@link Event#isWatermarkTick()}) kept, for a job
   * whose own output depends on the max event time seen, watermark tick records included (the
   * session ticks, docs/metrics.md#sessions). The caller must keep ticks out of every step that
   * takes events.
   *
   * @return the decoded events and watermark ticks with event-time timestamps
   */
  static DataStream<Event> eventsAndTicks(
      StreamExecutionEnvironment env,
      JobOptions options,
      String jobName,
      Source<Either<DeadLetter, Event>, ?, ?> source,
      Sink<DeadLetter> deadLetters) {
    DataStreamSource<Either<DeadLetter, Event>> raw =
        env.fromSource(source, EventWatermarks.forEvents(options), jobName + "-events");
    raw.uid(jobName + "-events-source");
    if (options.sourceParallelism() > 0) {
      raw.setParallelism(options.sourceParallelism());
    }
    SingleOutputStreamOperator<Event> decoded =
        raw.process(new SplitDecoded<>(TypeInformation.of(Event.class)))
            .uid(jobName + "-split-undecodable")
            .name("split-undecodable");
    // Chained to the source (same parallelism, forward): a rebalance here would let records
    // overtake watermarks on the way to the dedup step and make lateness depend on timing.
    decoded.setParallelism(raw.getParallelism());
    decoded
        .getSideOutput(SplitDecoded.DEAD_LETTERS)
        .sinkTo(deadLetters)
        .uid(jobName + "-dead-letter-sink")
        .name("dead-letter-sink");
    return decoded;
  }

  /**
   * {@link #events}, then duplicates dropped and late events split off by a step keyed by {@code
   * key} ({@link DeduplicateAndFlagLate}), for a job whose next keyed step is not per user. The key
   * must be a field that every copy of an event shares (any field is: a duplicate is a resend of
   * the same event); keying by the next step's key lets that step reuse this partitioning ({@code
   * DataStreamUtils.reinterpretAsKeyedStream}) instead of a second shuffle.
   *
   * @param env the environment to add the steps to
   * @param options watermark delay, idleness, source parallelism, dedup retention
   * @param jobName e.g. {@code movie-sales}: prefix of the uids and the job column of late events
   * @param source decoded events or dead letters
   * @param deadLetters where undecodable records go
   * @param key the deduplication step's key, e.g. the cart id
   * @param keyName names the step's uid: {@code <jobName>-dedup-and-late-per-<keyName>}
   * @param <K> the key type
   * @return deduplicated on-time events with event-time timestamps, partitioned by {@code key}, and
   *     the late events (for the caller to union with any later late stream and sink with {@link
   *     #sinkLate})
   */
  static <K> OnTime onTimeEvents(
      StreamExecutionEnvironment env,
      JobOptions options,
      String jobName,
      Source<Either<DeadLetter, Event>, ?, ?> source,
      Sink<DeadLetter> deadLetters,
      KeySelector<Event, K> key,
      String keyName) {
    SingleOutputStreamOperator<Event> deduped =
        events(env, options, jobName, source, deadLetters)
            .keyBy(key)
            .process(new DeduplicateAndFlagLate<K>(jobName, options.dedupRetention()))
            .uid(jobName + "-dedup-and-late-per-" + keyName)
            .name("dedup-and-late");
    return new OnTime(deduped, deduped.getSideOutput(DeduplicateAndFlagLate.LATE));
  }

  /** Writes a job's late events to its late-event sink. */
  static void sinkLate(String jobName, DataStream<LateEvent> late, Sink<LateEvent> lateSink) {
    late.sinkTo(lateSink).uid(jobName + "-late-event-sink").name("late-event-sink");
  }

  /**
   * A job's input after the common steps.
   *
   * @param events deduplicated on-time events
   * @param late events behind the watermark
   */
  record OnTime(DataStream<Event> events, DataStream<LateEvent> late) {}
}
