package io.cinestream.spark.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinestream.schemas.Topic;
import io.cinestream.testsupport.LocalStack;
import io.cinestream.testsupport.LocalStackExtension;
import io.cinestream.testsupport.SparkTestSession;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@link LakeBackfill} against the embedded PostgreSQL: tops up a partly loaded table with what is
 * absent (hand-counted), keeps the lowest Kafka coordinates of a duplicated event id, inserts
 * nothing the second time, and honours topics and event dates.
 */
@ExtendWith(LocalStackExtension.class)
class LakeBackfillTest {

  private static final String E1 = "00000000-0000-4000-8000-000000000001";
  private static final String E2 = "00000000-0000-4000-8000-000000000002";
  private static final String E3 = "00000000-0000-4000-8000-000000000003";

  @TempDir static Path tmp;

  private static String jdbcUrl;
  private static BronzeLake lake;

  /** The lake: 4 events of 3 event ids over 2 days, a dead letter and a tick, in two batches. */
  @BeforeAll
  static void writeLake(LocalStack stack) {
    jdbcUrl = stack.newWarehouseDatabase();
    SparkSession spark = SparkTestSession.get();
    lake = new BronzeLake(tmp.resolve("lake").toString());
    lake.write(
        spark.createDataFrame(
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
                    3),
                LakeFixtures.event(
                    "consumer_events",
                    E2,
                    "sign_out",
                    1,
                    "2026-01-05T09:00:00Z",
                    null,
                    "sign_out",
                    0,
                    4),
                LakeFixtures.deadLetter("sign_out", 1, 9, "BAD_MAGIC_BYTE: 0x07")),
            DecodedEvents.SCHEMA),
        "q",
        0);
    lake.write(
        spark.createDataFrame(
            List.of(
                // a producer's retry of E2, later in the same partition: not inserted
                LakeFixtures.event(
                    "consumer_events",
                    E2,
                    "sign_out",
                    1,
                    "2026-01-05T09:00:00Z",
                    null,
                    "sign_out",
                    0,
                    7),
                LakeFixtures.event(
                    "item_view_events",
                    E3,
                    null,
                    2,
                    "2026-01-06T10:00:00Z",
                    "I9",
                    "item_view",
                    1,
                    5),
                LakeFixtures.tick("sign_in", 0, 8, "2026-01-06T12:00:00Z")),
            DecodedEvents.SCHEMA),
        "q",
        1);
  }

  private static PostgresWarehouseWriter writer() {
    return new PostgresWarehouseWriter(
        jdbcUrl, new Properties(), PostgresWarehouseWriter.Mode.COPY);
  }

  @Test
  void topsUpAPartlyLoadedTableAndInsertsNothingTheSecondTime() throws Exception {
    LoadAssertions.truncate(jdbcUrl);
    SparkSession spark = SparkTestSession.get();
    // Partly loaded: E1 only.
    writer()
        .write(
            spark.createDataFrame(
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
                        3)),
                DecodedEvents.SCHEMA),
            0);

    BatchResult first = LakeBackfill.run(spark, lake, Topic.events(), null, null, writer());
    // Read: E1, E2 twice (consumer_events 3), E3, the dead letter, the tick.
    assertThat(first.offered())
        .isEqualTo(
            Map.of(
                RawTable.CONSUMER_EVENTS, 3L,
                RawTable.ITEM_VIEW_EVENTS, 1L,
                RawTable.DEAD_LETTER_EVENTS, 1L,
                RawTable.WATERMARK_TICKS, 1L));
    // Inserted: E2 (E1 was there, E2's retry is a duplicate), E3, the dead letter, the tick.
    assertThat(first.inserted())
        .isEqualTo(
            Map.of(
                RawTable.CONSUMER_EVENTS, 1L,
                RawTable.ITEM_VIEW_EVENTS, 1L,
                RawTable.DEAD_LETTER_EVENTS, 1L,
                RawTable.WATERMARK_TICKS, 1L));
    Map<RawTable, List<String>> rows = LoadAssertions.tableRows(jdbcUrl);
    assertThat(rows.get(RawTable.CONSUMER_EVENTS))
        .containsExactly(
            E1 + "|sign_in|1|1767600000000|null|null|null|sign_in|0|3",
            // the lowest offset of the two copies
            E2 + "|sign_out|1|1767603600000|null|null|null|sign_out|0|4");
    assertThat(rows.get(RawTable.ITEM_VIEW_EVENTS))
        .containsExactly(E3 + "|2|I9|1767693600000|item_view|1|5");
    assertThat(rows.get(RawTable.DEAD_LETTER_EVENTS))
        .containsExactly("sign_out|1|9|7|AAEC|BAD_MAGIC_BYTE");
    assertThat(LakeBackfill.render(first))
        .containsExactly(
            "backfill: consumer_events read 3 inserted 1 skipped 2",
            "backfill: item_view_events read 1 inserted 1 skipped 0",
            "backfill: dead_letter_events read 1 inserted 1 skipped 0",
            "backfill: watermark_ticks read 1 inserted 1 skipped 0",
            "backfill: total read 6 inserted 4 skipped 2 in " + first.writeMillis() + " ms");

    BatchResult second = LakeBackfill.run(spark, lake, Topic.events(), null, null, writer());
    assertThat(second.offered()).isEqualTo(first.offered());
    assertThat(second.inserted().values()).containsOnly(0L);
    assertThat(LoadAssertions.tableRows(jdbcUrl)).isEqualTo(rows);
  }

  @Test
  void readsOnlyTheChosenTopicsAndEventDates() throws Exception {
    LoadAssertions.truncate(jdbcUrl);
    SparkSession spark = SparkTestSession.get();
    List<Topic> topics = List.of(Topic.SIGN_IN, Topic.ITEM_VIEW);
    LocalDate jan6 = LocalDate.parse("2026-01-06");

    BatchResult result = LakeBackfill.run(spark, lake, topics, jan6, jan6, writer());

    // sign_in's only event is of 5 January; its tick has no date and comes along.
    assertThat(result.inserted())
        .isEqualTo(Map.of(RawTable.ITEM_VIEW_EVENTS, 1L, RawTable.WATERMARK_TICKS, 1L));
    List<Row> consumer =
        LakeBackfill.read(spark, lake, topics, null, LocalDate.parse("2026-01-05"))
            .filter("target = 'consumer_events'")
            .collectAsList();
    assertThat(consumer).extracting(r -> r.getString(1)).containsExactly(E1);
  }

  @Test
  void refusesBadArguments() {
    assertThatThrownBy(
            () ->
                LakeBackfill.Options.parse(
                    "--lake",
                    "x",
                    "--jdbc-url",
                    "j",
                    "--since",
                    "2026-01-06",
                    "--until",
                    "2026-01-05"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--since 2026-01-06 is after --until 2026-01-05");
    assertThatThrownBy(
            () -> LakeBackfill.Options.parse("--lake", "x", "--jdbc-url", "j", "--topics", "nope"))
        .hasMessageContaining("nope is not an event topic");
    assertThatThrownBy(() -> LakeBackfill.Options.parse("--lake", "x"))
        .hasMessageContaining("--jdbc-url is required");
    assertThat(
            LakeBackfill.Options.parse(
                    "--lake", "x", "--jdbc-url", "j", "--topics", "item_view,sign_in")
                .topics())
        .containsExactly(Topic.SIGN_IN, Topic.ITEM_VIEW);
  }
}
