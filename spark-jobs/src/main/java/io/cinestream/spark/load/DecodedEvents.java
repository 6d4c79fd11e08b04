package io.cinestream.spark.load;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import io.cinestream.schemas.EventValues;
import io.cinestream.schemas.TickSignature;
import io.cinestream.schemas.WatermarkTick;
import io.cinestream.schemas.serde.ConfluentAvroCodec;
import io.cinestream.schemas.serde.RecordCoordinates;
import io.cinestream.schemas.serde.SchemaRegistryClientFactory;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * Decodes the rows of Spark's Kafka source into one flat row per record, already routed to its raw
 * table ({@link #SCHEMA}); records that cannot be loaded become dead-letter rows instead of failing
 * the micro-batch, and watermark ticks ({@link WatermarkTick}) become {@link #TICK} rows.
 */
public final class DecodedEvents {

  /** Value of {@code target} for a record routed to {@code dead_letter_events}. */
  public static final String DEAD_LETTER = RawTable.DEAD_LETTER_EVENTS.tableName();

  /**
   * Value of {@code target} for a {@link WatermarkTick}: {@code watermark_ticks}. Its row holds
   * only the Kafka coordinates and {@code event_time_ms} = the record's Kafka timestamp (the tick's
   * event time T); the loader writes it to that table, the metric queries watermark it.
   */
  public static final String TICK = RawTable.WATERMARK_TICKS.tableName();

  /**
   * One decoded record. {@code target} is the {@link RawTable#tableName()} the row goes to. Event
   * rows fill the event fields their table has (the others are null) and leave {@code kafka_key},
   * {@code raw_value_base64} and {@code error} null; dead-letter rows fill only the Kafka fields,
   * {@code raw_value_base64} (the value bytes in base64, null for a null value) and {@code error}
   * ({@code REASON: message}). {@code event_time_ms} is the Avro {@code timestamp-millis} value,
   * milliseconds since the epoch (UTC): kept as a long so that no session time zone or {@code
   * java8API} setting can shift it; the writers turn it into TIMESTAMPTZ / TIMESTAMP_TZ.
   */
  public static final StructType SCHEMA =
      new StructType()
          .add("target", DataTypes.StringType, false)
          .add("event_id", DataTypes.StringType, true)
          .add("event_name", DataTypes.StringType, true)
          .add("user_id", DataTypes.IntegerType, true)
          .add("event_time_ms", DataTypes.LongType, true)
          .add("age", DataTypes.IntegerType, true)
          .add("masked_email", DataTypes.StringType, true)
          .add("preferred_language", DataTypes.StringType, true)
          .add("item_id", DataTypes.StringType, true)
          .add("cart_id", DataTypes.StringType, true)
          .add("payment_method", DataTypes.StringType, true)
          .add("rating", DataTypes.IntegerType, true)
          .add("kafka_topic", DataTypes.StringType, false)
          .add("kafka_partition", DataTypes.IntegerType, false)
          .add("kafka_offset", DataTypes.LongType, false)
          .add("kafka_key", DataTypes.StringType, true)
          .add("raw_value_base64", DataTypes.StringType, true)
          .add("error", DataTypes.StringType, true);

  private DecodedEvents() {}

  /**
   * Decodes every record; one {@link ConfluentAvroCodec} (with its schema cache) per partition,
   * created on the executor.
   *
   * @param kafkaRows rows of Spark's Kafka source: {@code key} and {@code value} binary, {@code
   *     topic} string, {@code partition} int, {@code offset} long, {@code timestamp}; with {@code
   *     headers} (the source's {@code includeHeaders} option) a null value with the tick header
   *     becomes a {@link #TICK} row when its signature is valid ({@link TickSignature}), else a
   *     dead letter with reason {@value TickSignature#INVALID_TICK_SIGNATURE}; without it every
   *     record is decoded (other columns are ignored)
   * @param registry creates the schema registry client on each executor
   * @param tickKey the tick key (read on the driver, shipped with the closure), or null: then every
   *     tick is a dead letter
   * @return one row of {@link #SCHEMA} per input row, in the same partitioning
   * @throws io.cinestream.schemas.serde.WireFormatException (on an action, wrapped by Spark) only
   *     when the registry is unreachable: that is not the record's fault, so the micro-batch fails
   *     and is replayed after a restart instead of dead-lettering good records
   */
  public static Dataset<Row> decode(
      Dataset<Row> kafkaRows, SchemaRegistryClientFactory registry, byte[] tickKey) {
    return decode(kafkaRows, registry, tickKey, EventValues.DEFAULT_MAX_AHEAD);
  }

  /**
   * As {@link #decode(Dataset, SchemaRegistryClientFactory, byte[])}, with events dated more than
   * {@code maxEventTimeAhead} after the executor's wall clock dead-lettered ({@link EventDecoder}).
   */
  public static Dataset<Row> decode(
      Dataset<Row> kafkaRows,
      SchemaRegistryClientFactory registry,
      byte[] tickKey,
      java.time.Duration maxEventTimeAhead) {
    boolean headers = Arrays.asList(kafkaRows.columns()).contains("headers");
    return kafkaRows
        .select(
            col("topic"),
            col("partition"),
            col("offset"),
            col("key"),
            col("value"),
            headers ? col("headers") : lit(null),
            headers ? expr("unix_millis(timestamp)") : lit(null))
        .mapPartitions(
            (MapPartitionsFunction<Row, Row>)
                rows -> {
                  EventDecoder decoder =
                      new EventDecoder(
                          new ConfluentAvroCodec(registry.create()),
                          java.time.Clock.systemUTC(),
                          maxEventTimeAhead);
                  return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                      return rows.hasNext();
                    }

                    @Override
                    public Row next() {
                      Row r = rows.next();
                      if (isTick(r)) {
                        byte[] signature = signatureOf(r);
                        if (TickSignature.verify(
                            tickKey, r.getString(0), r.getInt(1), r.getLong(6), signature)) {
                          return tickRow(r.getString(0), r.getInt(1), r.getLong(2), r.getLong(6));
                        }
                        RecordCoordinates where =
                            new RecordCoordinates(r.getString(0), r.getInt(1), r.getLong(2));
                        return EventDecoder.deadLetter(
                            where,
                            r.isNullAt(3) ? null : (byte[]) r.get(3),
                            null,
                            TickSignature.invalidReason(where, signature));
                      }
                      return decoder.decode(
                          r.getString(0),
                          r.getInt(1),
                          r.getLong(2),
                          r.isNullAt(3) ? null : (byte[]) r.get(3),
                          r.isNullAt(4) ? null : (byte[]) r.get(4));
                    }
                  };
                },
            Encoders.row(SCHEMA));
  }

  /**
   * The decoded rows without {@link #TICK} rows, counting the ticks dropped.
   *
   * @param decoded rows of {@link #SCHEMA}
   * @param ticks incremented once per tick row when the result is computed (a retried task may
   *     count its ticks again: a log figure, not an exact count)
   * @return the event and dead-letter rows, same schema
   */
  public static Dataset<Row> withoutTicks(Dataset<Row> decoded, LongAccumulator ticks) {
    return decoded.filter(
        (FilterFunction<Row>)
            r -> {
              if (TICK.equals(r.getString(0))) {
                ticks.add(1);
                return false;
              }
              return true;
            });
  }

  /** True for a row of the select above holding a null value and the tick header. */
  private static boolean isTick(Row r) {
    if (!r.isNullAt(4) || r.isNullAt(5) || r.isNullAt(6)) {
      return false;
    }
    for (Row h : r.<Row>getList(5)) {
      if (WatermarkTick.isTickHeader(h.getString(0), h.isNullAt(1) ? null : (byte[]) h.get(1))) {
        return true;
      }
    }
    return false;
  }

  /** The last {@link TickSignature#HEADER} value of a row of the select above, or null. */
  private static byte[] signatureOf(Row r) {
    byte[] found = null;
    for (Row h : r.<Row>getList(5)) {
      if (TickSignature.HEADER.equals(h.getString(0))) {
        found = h.isNullAt(1) ? null : (byte[]) h.get(1);
      }
    }
    return found;
  }

  /** A {@link #TICK} row: Kafka coordinates and the tick's event time. */
  static Row tickRow(String topic, int partition, long offset, long timestampMs) {
    Object[] v = new Object[SCHEMA.size()];
    v[0] = TICK;
    v[4] = timestampMs;
    v[12] = topic;
    v[13] = partition;
    v[14] = offset;
    return RowFactory.create(v);
  }
}
