package io.cinestream.spark.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.schemas.TickSignature;
import io.cinestream.schemas.WatermarkTick;
import io.cinestream.schemas.serde.InMemorySchemaRegistryClient;
import io.cinestream.testsupport.SparkTestSession;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;

/**
 * {@link DecodedEvents} on rows shaped like Spark's Kafka source with {@code includeHeaders}: a
 * watermark tick is recognized by its header and routed to {@code watermark_ticks}, a null value
 * without the header stays a dead letter.
 */
class DecodedEventsTest {

  private static final StructType HEADER =
      new StructType().add("key", DataTypes.StringType).add("value", DataTypes.BinaryType);

  /** The columns of Spark's Kafka source (3.5) with {@code includeHeaders=true}. */
  private static final StructType KAFKA =
      new StructType()
          .add("key", DataTypes.BinaryType)
          .add("value", DataTypes.BinaryType)
          .add("topic", DataTypes.StringType)
          .add("partition", DataTypes.IntegerType)
          .add("offset", DataTypes.LongType)
          .add("timestamp", DataTypes.TimestampType)
          .add("timestampType", DataTypes.IntegerType)
          .add("headers", DataTypes.createArrayType(HEADER));

  private static final Instant T = Instant.parse("2026-01-05T07:02:01Z");

  private static final byte[] KEY = "s".repeat(32).getBytes(StandardCharsets.US_ASCII);

  private static Row kafkaRow(long offset, byte[] key, byte[] value, List<Row> headers) {
    return RowFactory.create(
        key, value, "sign_in", 1, offset, Timestamp.from(T), 0, headers.toArray());
  }

  private static Dataset<Row> decoded(SparkSession spark) {
    List<Row> input =
        List.of(
            // a tick: null key and value, the tick header beside another header
            kafkaRow(
                10,
                null,
                null,
                List.of(
                    RowFactory.create("trace", new byte[] {'x'}),
                    RowFactory.create(WatermarkTick.HEADER, WatermarkTick.headerValue()),
                    RowFactory.create(
                        TickSignature.HEADER,
                        TickSignature.sign(KEY, "sign_in", 1, T.toEpochMilli())))),
            // a null value without the tick header: undecodable
            kafkaRow(11, "7".getBytes(StandardCharsets.UTF_8), null, List.of()),
            // the header with another value: not a tick either
            kafkaRow(
                12, null, null, List.of(RowFactory.create(WatermarkTick.HEADER, new byte[] {'0'}))),
            // forged: the tick's shape without a signature ...
            kafkaRow(
                13,
                null,
                null,
                List.of(RowFactory.create(WatermarkTick.HEADER, WatermarkTick.headerValue()))),
            // ... and signed for another partition
            kafkaRow(
                14,
                null,
                null,
                List.of(
                    RowFactory.create(WatermarkTick.HEADER, WatermarkTick.headerValue()),
                    RowFactory.create(
                        TickSignature.HEADER,
                        TickSignature.sign(KEY, "sign_in", 0, T.toEpochMilli())))));
    return DecodedEvents.decode(
        spark.createDataFrame(input, KAFKA), InMemorySchemaRegistryClient::new, KEY);
  }

  @Test
  void turnsATickIntoATickRowAtItsKafkaTimestampAndANullValueWithoutTheHeaderIntoADeadLetter() {
    List<Row> rows = decoded(SparkTestSession.get()).orderBy("kafka_offset").collectAsList();

    assertThat(rows).hasSize(5);
    Row tick = rows.get(0);
    assertThat(tick.getString(0)).isEqualTo(DecodedEvents.TICK).isEqualTo("watermark_ticks");
    assertThat(tick.getLong(4)).isEqualTo(T.toEpochMilli());
    assertThat(tick.getString(12)).isEqualTo("sign_in");
    assertThat(tick.getInt(13)).isEqualTo(1);
    assertThat(tick.getLong(14)).isEqualTo(10);
    assertThat(rows.get(1).getString(0)).isEqualTo(DecodedEvents.DEAD_LETTER);
    assertThat(rows.get(1).getString(15)).isEqualTo("7");
    assertThat(rows.get(1).isNullAt(16)).as("no value bytes").isTrue();
    assertThat(rows.get(1).getString(17)).isNotBlank();
    assertThat(rows.get(2).getString(0)).isEqualTo(DecodedEvents.DEAD_LETTER);
    for (Row forged : rows.subList(3, 5)) {
      assertThat(forged.getString(0)).isEqualTo(DecodedEvents.DEAD_LETTER);
      assertThat(forged.getString(17))
          .startsWith("INVALID_TICK_SIGNATURE: topic sign_in partition 1 offset 1");
    }
  }

  @Test
  void withoutTicksDropsTicksAndCountsThem() {
    SparkSession spark = SparkTestSession.get();
    LongAccumulator ticks = spark.sparkContext().longAccumulator("test-ticks");

    List<Row> rows = DecodedEvents.withoutTicks(decoded(spark), ticks).collectAsList();

    assertThat(rows)
        .extracting(r -> r.getString(0) + "@" + r.getLong(14))
        .containsExactlyInAnyOrder(
            "dead_letter_events@11",
            "dead_letter_events@12",
            "dead_letter_events@13",
            "dead_letter_events@14");
    assertThat(ticks.value()).isEqualTo(1);
  }
}
