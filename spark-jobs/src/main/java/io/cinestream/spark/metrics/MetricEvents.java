package io.cinestream.spark.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.cinestream.schemas.EventValues;
import io.cinestream.schemas.TickSignature;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.serde.SchemaRegistryClientFactory;
import io.cinestream.spark.load.DecodedEvents;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * The input steps every Spark metric query shares (docs/metrics.md): read event topics from Kafka,
 * decode them with the raw loader's decoder ({@link DecodedEvents}, our Confluent wire-format
 * codec), skip undecodable records (the raw loader owns {@code dead_letter_events}; here they are
 * only counted), then watermark (watermark ticks included) and drop duplicate event ids.
 *
 * <p><b>Watermark.</b> Spark's watermark for micro-batch N is {@code max event time of batches < N
 * - delay}; a stateful operator treats a row as late when its event time is {@code <=} that value
 * (in Spark 3.5 with several stateful operators: {@code <=} the previous batch's watermark). DESIGN
 * calls an event late when it is strictly before {@code max - max_out_of_orderness}, so the delay
 * here is {@code max_out_of_orderness + 1 ms}: the two rules then agree whenever the event and the
 * maximum it is compared with are in different micro-batches. Within one micro-batch Spark never
 * calls anything late (Flink judges each record against the watermark at its arrival), so Spark
 * sees at most as many late events as Flink, never more.
 */
public final class MetricEvents {

  /**
   * Columns of the event rows the metric logic takes: {@code event_id} (UUID text), {@code topic}
   * (= event_name), {@code user_id}, {@code event_time} (timestamp, UTC instant), {@code
   * event_time_ms} (the same instant, ms since the epoch), {@code item_id} and {@code cart_id}
   * (null where the topic has none), {@code watermark_tick} (true for a {@link
   * io.cinestream.schemas.WatermarkTick}: event_time = its Kafka timestamp, event_id and user_id
   * null; {@link #onTimeDistinct} drops it right after the watermark).
   */
  public static final StructType SCHEMA =
      new StructType()
          .add("event_id", DataTypes.StringType, true)
          .add("topic", DataTypes.StringType, false)
          .add("user_id", DataTypes.IntegerType, true)
          .add("event_time", DataTypes.TimestampType, false)
          .add("event_time_ms", DataTypes.LongType, false)
          .add("item_id", DataTypes.StringType, true)
          .add("cart_id", DataTypes.StringType, true)
          .add("watermark_tick", DataTypes.BooleanType, false);

  private MetricEvents() {}

  /**
   * A streaming Dataset of decoded events of {@code topics} ({@link #SCHEMA}).
   *
   * @param spark the session
   * @param options Kafka, registry and offsets settings
   * @param undecodable counts skipped records (undecodable, or from a topic no table takes); the
   *     caller logs it per batch
   * @param topics event topics to subscribe to
   * @return an unbounded Dataset; decoding fails the batch only when the registry is unreachable
   */
  public static Dataset<Row> fromKafka(
      SparkSession spark, MetricsOptions options, LongAccumulator undecodable, Topic... topics) {
    DataStreamReader reader =
        spark
            .readStream()
            .format("kafka")
            .option("kafka.bootstrap.servers", options.bootstrap())
            .option(
                "subscribe",
                Arrays.stream(topics).map(Topic::topicName).collect(Collectors.joining(",")))
            .option("startingOffsets", options.startingOffsets())
            .option("failOnDataLoss", "true")
            // Watermark ticks are recognized by their header (WatermarkTick).
            .option("includeHeaders", "true");
    for (var e : options.kafkaOptions().entrySet()) {
      reader = reader.option("kafka." + e.getKey(), e.getValue());
    }
    if (options.maxOffsetsPerTrigger() > 0) {
      reader = reader.option("maxOffsetsPerTrigger", options.maxOffsetsPerTrigger());
    }
    return fromKafkaRows(
        reader.load(),
        SchemaRegistryClientFactory.forUrl(options.registry()),
        TickSignature.keyFromEnvironment(System.getenv()),
        undecodable,
        options.maxEventTimeAhead());
  }

  /**
   * The rows of Spark's Kafka source (with headers) decoded into {@link #SCHEMA}: undecodable
   * records and watermark ticks with a missing or wrong signature ({@link TickSignature}) are
   * skipped and counted, so a forged tick moves no watermark (the raw loader writes its dead
   * letter).
   *
   * @param kafkaRows rows of Spark's Kafka source with {@code includeHeaders}
   * @param registry creates the registry client on each executor
   * @param tickKey the tick key, or null (then no tick is taken)
   * @param undecodable counts the skipped records
   * @return rows of {@link #SCHEMA}
   */
  public static Dataset<Row> fromKafkaRows(
      Dataset<Row> kafkaRows,
      SchemaRegistryClientFactory registry,
      byte[] tickKey,
      LongAccumulator undecodable) {
    return fromKafkaRows(kafkaRows, registry, tickKey, undecodable, EventValues.DEFAULT_MAX_AHEAD);
  }

  /**
   * As {@link #fromKafkaRows(Dataset, SchemaRegistryClientFactory, byte[], LongAccumulator)}, with
   * the bound on event times ahead of the wall clock: an event dated more than {@code
   * maxEventTimeAhead} after the executor's clock at decoding is an {@code INVALID_VALUE} dead
   * letter ({@link DecodedEvents#decode(Dataset, SchemaRegistryClientFactory, byte[], Duration)}),
   * skipped and counted like any undecodable record, so it never reaches the watermark (the Flink
   * jobs' {@code --max-event-time-ahead}).
   *
   * @param maxEventTimeAhead how far after the wall clock an event time may be ({@code
   *     --max-event-time-ahead})
   * @return rows of {@link #SCHEMA}
   */
  public static Dataset<Row> fromKafkaRows(
      Dataset<Row> kafkaRows,
      SchemaRegistryClientFactory registry,
      byte[] tickKey,
      LongAccumulator undecodable,
      Duration maxEventTimeAhead) {
    return DecodedEvents.decode(kafkaRows, registry, tickKey, maxEventTimeAhead)
        .filter(
            (FilterFunction<Row>)
                r -> {
                  if (DecodedEvents.DEAD_LETTER.equals(r.getString(0))) {
                    undecodable.add(1);
                    return false;
                  }
                  return true;
                })
        .select(
            col("event_id"),
            col("event_name").as("topic"),
            col("user_id"),
            expr("timestamp_millis(event_time_ms)").as("event_time"),
            col("event_time_ms"),
            col("item_id"),
            col("cart_id"),
            col("target").equalTo(DecodedEvents.TICK).as("watermark_tick"));
  }

  /**
   * The Spark watermark delay: {@code maxOutOfOrderness + 1 ms} (see the class comment).
   *
   * @param maxOutOfOrderness DESIGN's max_out_of_orderness
   * @return an interval string, e.g. {@code 120001 milliseconds}
   */
  public static String watermarkDelay(Duration maxOutOfOrderness) {
    return (maxOutOfOrderness.toMillis() + 1) + " milliseconds";
  }

  /**
   * Watermarks {@code event_time} and drops repeated event ids (DESIGN: first step of every job).
   * The dedup key includes the watermarked {@code event_time} (a repeat carries the same event
   * time), so a seen id is kept until the watermark passes its event time; a repeat arriving after
   * that is behind the watermark and dropped as late. Rows behind the watermark are dropped here
   * and counted only in the query progress ({@code numRowsDroppedByWatermark}): Spark does not hand
   * them to user code.
   *
   * <p>Watermark ticks go through {@code withWatermark} like events, so their event time raises the
   * maximum the next micro-batch's watermark is computed from, and are filtered out right after it:
   * Spark's watermark operator records the maximum of every row it sees, whatever a later filter
   * keeps. This is how a bounded (available-now) run closes its last windows: Spark has no
   * end-of-input watermark. The filter is a typed {@link FilterFunction}, not a column predicate:
   * Catalyst pushes a column predicate that does not reference the event-time column below the
   * watermark ({@code PushPredicateThroughNonJoin}, its {@code EventTimeWatermark} case), where it
   * would drop the ticks before the watermark saw them (measured: the test with a tick then closes
   * nothing); an opaque function is never pushed through it.
   *
   * @param events rows of {@link #SCHEMA}
   * @param maxOutOfOrderness DESIGN's max_out_of_orderness
   * @return the first copy of every on-time event, same schema, with the watermark defined, no
   *     watermark tick
   */
  public static Dataset<Row> onTimeDistinct(Dataset<Row> events, Duration maxOutOfOrderness) {
    return events
        .withWatermark("event_time", watermarkDelay(maxOutOfOrderness))
        .filter((FilterFunction<Row>) r -> !r.<Boolean>getAs("watermark_tick"))
        .dropDuplicates("event_id", "event_time");
  }
}
