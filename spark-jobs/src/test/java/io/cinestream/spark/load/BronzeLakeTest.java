package io.cinestream.spark.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinestream.testsupport.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BronzeLake}: the layout (topic, then the UTC event date computed by hand, dead letters and
 * ticks apart) and exactly-once writing of a micro-batch that a real streaming query replays after
 * failing between the lake write and its commit.
 */
class BronzeLakeTest {

  private static final String E1 = "00000000-0000-4000-8000-000000000001";
  private static final String E2 = "00000000-0000-4000-8000-000000000002";
  private static final String E3 = "00000000-0000-4000-8000-000000000003";
  private static final String E4 = "00000000-0000-4000-8000-000000000004";

  @TempDir Path tmp;

  @Test
  void partitionsByTopicAndUtcEventDateWhateverTheSessionTimeZone() throws Exception {
    SparkSession spark = SparkTestSession.get();
    List<Row> rows =
        List.of(
            // last millisecond of 5 January UTC: already 6 January in Kiritimati (UTC+14)
            LakeFixtures.event(
                "consumer_events",
                E1,
                "sign_in",
                1,
                "2026-01-05T23:59:59.999Z",
                null,
                "sign_in",
                0,
                10),
            // first millisecond of 6 January UTC: still 5 January in Honolulu (UTC-10)
            LakeFixtures.event(
                "consumer_events",
                E2,
                "sign_in",
                2,
                "2026-01-06T00:00:00Z",
                null,
                "sign_in",
                1,
                11),
            LakeFixtures.event(
                "item_view_events", E3, null, 3, "2026-01-05T10:00:00Z", "I1", "item_view", 0, 12),
            LakeFixtures.deadLetter("sign_out", 1, 13, "BAD_MAGIC_BYTE: 0x07"),
            LakeFixtures.tick("sign_in", 0, 14, "2026-01-06T00:05:00Z"));
    String zone = spark.conf().get("spark.sql.session.timeZone");
    BronzeLake lake = new BronzeLake(tmp.resolve("lake").toString() + "/");
    try {
      spark.conf().set("spark.sql.session.timeZone", "Pacific/Kiritimati");
      lake.write(spark.createDataFrame(rows, DecodedEvents.SCHEMA), "q1", 0);
      spark.conf().set("spark.sql.session.timeZone", "Pacific/Honolulu");
      lake.write(spark.createDataFrame(rows, DecodedEvents.SCHEMA), "q1", 1);
    } finally {
      spark.conf().set("spark.sql.session.timeZone", zone);
    }

    // Two batches of the same rows: two copies, each in the same UTC partitions.
    assertThat(LakeFixtures.contents(spark, lake.bronzeDir("sign_in")))
        .isEqualTo(
            Map.of(
                "event_date=2026-01-05", List.of(E1, E1),
                "event_date=2026-01-06", List.of(E2, E2)));
    assertThat(LakeFixtures.contents(spark, lake.bronzeDir("item_view")))
        .isEqualTo(Map.of("event_date=2026-01-05", List.of(E3, E3)));
    assertThat(LakeFixtures.contents(spark, lake.deadLetterDir("sign_out")))
        .isEqualTo(Map.of(".", List.of("sign_out/1/13", "sign_out/1/13")));
    assertThat(LakeFixtures.contents(spark, lake.tickDir("sign_in")))
        .isEqualTo(Map.of(".", List.of("sign_in/0/14", "sign_in/0/14")));
    assertThat(
            spark
                .read()
                .parquet(lake.tickDir("sign_in"))
                .select("event_time_ms")
                .first()
                .getLong(0))
        .isEqualTo(1_767_657_900_000L); // 2026-01-06T00:05:00Z
    // Nothing left in staging; every file named after its query and batch.
    assertThat(LakeFixtures.parquetFiles(tmp.resolve("lake/_staging"))).isEmpty();
    assertThat(LakeFixtures.parquetFiles(tmp.resolve("lake/bronze/sign_in")))
        .allMatch(
            name ->
                name.matches(
                    "event_date=2026-01-0[56]/q-q1-b-[01]-part-\\d{5}\\.c000\\.snappy\\.parquet"));
    // The files carry every decoded column but the routing one.
    assertThat(spark.read().parquet(lake.bronzeDir("sign_in")).columns())
        .containsExactly(
            "event_id",
            "event_name",
            "user_id",
            "event_time_ms",
            "age",
            "masked_email",
            "preferred_language",
            "item_id",
            "cart_id",
            "payment_method",
            "rating",
            "kafka_topic",
            "kafka_partition",
            "kafka_offset",
            "kafka_key",
            "raw_value_base64",
            "error",
            "event_date");
  }

  @Test
  void writeSettingsFillWhatTheSessionLeavesUnsetAndKeepWhatItSets() {
    SparkSession spark = SparkTestSession.get().newSession();
    spark.conf().set("spark.sql.maxConcurrentOutputFileWriters", "5");
    BronzeLake.applyWriteSettings(spark);
    assertThat(spark.conf().get("spark.sql.maxConcurrentOutputFileWriters")).isEqualTo("5");
    assertThat(spark.conf().get("spark.sql.inMemoryColumnarStorage.compressed")).isEqualTo("false");
    SparkSession fresh = SparkTestSession.get().newSession();
    BronzeLake.applyWriteSettings(fresh);
    assertThat(fresh.conf().get("spark.sql.maxConcurrentOutputFileWriters")).isEqualTo("32");
  }

  @Test
  void destinationDropsTheSparkJobIdAndTheDateOfRecordsWithoutOne() {
    assertThat(
            BronzeLake.destination(
                "lake_area=bronze/lake_topic=sign_in/event_date=2026-01-05/"
                    + "part-00003-0f8fad5b-d9cb-469f-a165-70867728950e.c000.snappy.parquet",
                "q-abc-b-7"))
        .isEqualTo("bronze/sign_in/event_date=2026-01-05/q-abc-b-7-part-00003.c000.snappy.parquet");
    assertThat(
            BronzeLake.destination(
                "lake_area=dead_letters/lake_topic=sign_out/event_date=__HIVE_DEFAULT_PARTITION__/"
                    + "part-00000-0f8fad5b-d9cb-469f-a165-70867728950e.c000.snappy.parquet",
                "q-abc-b-7"))
        .isEqualTo("dead_letters/sign_out/q-abc-b-7-part-00000.c000.snappy.parquet");
    assertThatThrownBy(() -> BronzeLake.destination("part-0.parquet", "q"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Fails the micro-batch once, after its lake write (a crash before the offsets' commit). */
  private static final AtomicBoolean CRASH_AFTER_LAKE = new AtomicBoolean();

  @Test
  void aMicroBatchReplayedAfterACrashIsInTheLakeOnce() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path input = tmp.resolve("input");
    // Two input files: with one file per trigger, two micro-batches (0: E1, E2; 1: E3, E4).
    spark
        .createDataFrame(
            List.of(
                LakeFixtures.event(
                    "consumer_events",
                    E1,
                    "sign_in",
                    1,
                    "2026-01-05T08:00:00Z",
                    null,
                    "sign_in",
                    0,
                    0),
                LakeFixtures.event(
                    "consumer_events",
                    E2,
                    "sign_in",
                    1,
                    "2026-01-05T09:00:00Z",
                    null,
                    "sign_in",
                    0,
                    1)),
            DecodedEvents.SCHEMA)
        .coalesce(1)
        .write()
        .mode(SaveMode.Append)
        .parquet(input.toString());
    spark
        .createDataFrame(
            List.of(
                LakeFixtures.event(
                    "consumer_events",
                    E3,
                    "sign_in",
                    2,
                    "2026-01-05T10:00:00Z",
                    null,
                    "sign_in",
                    1,
                    0),
                LakeFixtures.event(
                    "consumer_events",
                    E4,
                    "sign_in",
                    2,
                    "2026-01-06T10:00:00Z",
                    null,
                    "sign_in",
                    1,
                    1)),
            DecodedEvents.SCHEMA)
        .coalesce(1)
        .write()
        .mode(SaveMode.Append)
        .parquet(input.toString());
    BronzeLake lake = new BronzeLake(tmp.resolve("lake").toString());
    String checkpoint = tmp.resolve("checkpoint").toString();

    CRASH_AFTER_LAKE.set(true);
    StreamingQuery first = start(spark, input, lake, checkpoint);
    assertThatThrownBy(first::awaitTermination)
        .isInstanceOf(StreamingQueryException.class)
        .hasStackTraceContaining("crash after the lake write of batch 1");
    TreeSet<String> afterCrash = LakeFixtures.parquetFiles(tmp.resolve("lake"));
    // Batch 0 committed, batch 1 in the lake but not committed.
    assertThat(afterCrash).anyMatch(f -> f.contains("-b-0-")).anyMatch(f -> f.contains("-b-1-"));

    StreamingQuery second = start(spark, input, lake, checkpoint);
    second.awaitTermination();
    assertThat(second.id()).isEqualTo(first.id());
    assertThat(LakeFixtures.parquetFiles(tmp.resolve("lake"))).isEqualTo(afterCrash);
    assertThat(LakeFixtures.contents(spark, lake.bronzeDir("sign_in")))
        .isEqualTo(
            Map.of(
                "event_date=2026-01-05", List.of(E1, E2, E3),
                "event_date=2026-01-06", List.of(E4)));
  }

  private static StreamingQuery start(
      SparkSession spark, Path input, BronzeLake lake, String checkpoint) throws Exception {
    Dataset<Row> source =
        spark
            .readStream()
            .schema(DecodedEvents.SCHEMA)
            .option("maxFilesPerTrigger", 1)
            .parquet(input.toString());
    VoidFunction2<Dataset<Row>, Long> write =
        (batch, batchId) -> {
          lake.write(batch, RawEventLoader.queryId(batch), batchId);
          if (batchId == 1 && CRASH_AFTER_LAKE.getAndSet(false)) {
            throw new IllegalStateException("crash after the lake write of batch 1");
          }
        };
    return source
        .writeStream()
        .option("checkpointLocation", checkpoint)
        .trigger(Trigger.AvailableNow())
        .foreachBatch(write)
        .start();
  }
}
