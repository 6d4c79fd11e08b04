package io.cinestream.spark.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.events.SignIn;
import io.cinestream.schemas.TickSignature;
import io.cinestream.schemas.WatermarkTick;
import io.cinestream.schemas.serde.ConfluentAvroSerializer;
import io.cinestream.schemas.serde.InMemorySchemaRegistryClient;
import io.cinestream.spark.metrics.MovieSalesMetrics.SalesRow;
import io.cinestream.spark.metrics.SessionMetrics.SessionRow;
import io.cinestream.testsupport.SparkTestSession;
import io.cinestream.testsupport.fixtures.MetricScenarios;
import io.cinestream.testsupport.fixtures.MetricScenarios.InputEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.MemoryStream;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * The three Spark metric queries on local[2] with the hand-computed {@link MetricScenarios} shared
 * with the Flink ITCases and the reference implementation: events go into a {@link MemoryStream} in
 * the micro-batches named in each test, and every row the query writes is compared with the
 * fixture.
 *
 * <p>Spark's watermark moves only between micro-batches (see {@link MetricEvents}); where that
 * decides an event's fate, the test says which batching makes Spark's rule give the per-record
 * result of the fixture.
 */
class MetricQueriesTest {

  private static final AtomicInteger STREAM_IDS = new AtomicInteger(100);
  private static SparkSession spark;

  @TempDir Path checkpoints;

  @BeforeAll
  static void session() {
    spark = SparkTestSession.get();
  }

  @Test
  void countsDistinctUsersPerWindowAndDropsTheRegistrationBehindTheWatermark() throws Exception {
    MetricScenarios.RegistrationScenario scenario = MetricScenarios.registrations();
    List<InputEvent> arrivals = scenario.arrivals();
    MemoryStream<Row> input = stream();
    List<Row> written = Collections.synchronizedList(new ArrayList<>());
    StreamingQuery query =
        RegistrationMetrics.slidingCounts(input.toDF(), MetricScenarios.MAX_OUT_OF_ORDERNESS)
            .writeStream()
            .option("checkpointLocation", checkpoints.resolve("registration").toString())
            .foreachBatch(
                (VoidFunction2<Dataset<Row>, Long>)
                    (batch, id) ->
                        written.addAll(RegistrationMetrics.withWindowTypes(batch).collectAsList()))
            .start();
    try {
      // Event 7 (11:10) is late because event 6 (11:30) came before it: Spark can only see that
      // when 6 is in an earlier micro-batch, so the batches end right after 6. Event 9 sits exactly
      // at DESIGN's W (11:28) and stays on time: Spark's watermark is W - 1 ms.
      addBatch(input, query, arrivals.subList(0, 7));
      addBatch(input, query, arrivals.subList(7, arrivals.size()));
      // Spark's watermark is now 11:27:59.999: append mode has emitted only the windows ending by
      // then. A watermark tick at 14:00 (no event: it is dropped right after the watermark) moves
      // it past every fixture window, which closes the rest.
      assertThat(keys(written))
          .containsExactlyInAnyOrderElementsOf(
              scenario.expected().stream()
                  .filter(e -> !e.windowEnd().isAfter(Instant.parse("2024-01-01T11:27:59.999Z")))
                  .map(e -> e.windowType() + " " + e.windowStart())
                  .collect(Collectors.toList()));
      addRows(input, query, List.of(tickRow("consumer_registration", "2024-01-01T14:00:00Z")));
    } finally {
      query.stop();
    }
    Map<String, Long> actual = new TreeMap<>();
    for (Row r : written) {
      assertThat(r.getTimestamp(2).toInstant())
          .isEqualTo(r.getTimestamp(1).toInstant().plusSeconds(3600));
      Long previous =
          actual.put(r.getString(0) + " " + r.getTimestamp(1).toInstant(), r.getLong(3));
      assertThat(previous).as("append mode emits each window once").isNull();
    }
    Map<String, Long> expected = new TreeMap<>();
    scenario
        .expected()
        .forEach(e -> expected.put(e.windowType() + " " + e.windowStart(), e.registrationCount()));
    assertThat(actual).isEqualTo(expected);
    assertThat(droppedBehindWatermark(query)).as("event 7, late").isEqualTo(1);
  }

  @Test
  void recordsTheRegistrationBehindTheWatermarkAsTheLateEventRowFlinkWrites() throws Exception {
    MetricScenarios.RegistrationScenario scenario = MetricScenarios.registrations();
    List<InputEvent> arrivals = scenario.arrivals();
    MemoryStream<Row> input = stream();
    List<LateEvents.LateRow> written = Collections.synchronizedList(new ArrayList<>());
    StreamingQuery query =
        LateEvents.rows(
                input.toDF(), RegistrationMetrics.NAME, MetricScenarios.MAX_OUT_OF_ORDERNESS)
            .writeStream()
            .option("checkpointLocation", checkpoints.resolve("late").toString())
            .foreachBatch(
                (VoidFunction2<Dataset<LateEvents.LateRow>, Long>)
                    (batch, id) -> written.addAll(batch.collectAsList()))
            .start();
    try {
      // The batches of the registration test: event 7 (11:10) after event 6 (11:30).
      addBatch(input, query, arrivals.subList(0, 7));
      addBatch(input, query, arrivals.subList(7, arrivals.size()));
      // A tick raises the max but is never late itself, however old.
      addRows(input, query, List.of(tickRow("consumer_registration", "2024-01-01T09:00:00Z")));
    } finally {
      query.stop();
    }
    // The fixture's late row is the one Flink's late sink writes (RegistrationMetricsJobITCase):
    // job, event id, topic, event time and W = 11:30 - 2 min (event 9, exactly at W, is on time).
    assertThat(written)
        .extracting(Object::toString)
        .containsExactlyElementsOf(
            scenario.expectedLate().stream()
                .map(
                    l ->
                        l.job()
                            + " "
                            + l.eventId()
                            + " "
                            + l.topic()
                            + " "
                            + l.eventTime().toEpochMilli()
                            + " "
                            + l.watermark().toEpochMilli())
                .toList());
  }

  @Test
  void emitsEveryMinuteTickAndOrphanMinuteOfTheSessionScenario() throws Exception {
    MetricScenarios.SessionScenario scenario = MetricScenarios.sessions();
    List<InputEvent> arrivals = scenario.arrivals();
    MemoryStream<Row> input = stream();
    List<SessionRow> written = Collections.synchronizedList(new ArrayList<>());
    StreamingQuery query =
        SessionMetrics.rows(
                input.toDF(), MetricScenarios.MAX_OUT_OF_ORDERNESS, scenario.sessionTimeout())
            .writeStream()
            .option("checkpointLocation", checkpoints.resolve("sessions").toString())
            .foreachBatch(
                (VoidFunction2<Dataset<SessionRow>, Long>)
                    (batch, id) -> written.addAll(batch.collectAsList()))
            .start();
    try {
      // Two batches, so sessions span micro-batches; the repeated sign_in 102 (12:01) of the
      // second batch is then behind Spark's watermark (12:04 - 2 min - 1 ms) and dropped as late,
      // where Flink drops it as a duplicate: either way it counts nowhere.
      addBatch(input, query, arrivals.subList(0, 4));
      addBatch(input, query, arrivals.subList(4, arrivals.size()));
      // The last event (12:20) leaves Spark's watermark at 12:17:59.999, so tick 12:18 (= W) is
      // not final yet (an event at 12:18 would be on time): the last tick W has passed is 12:17.
      assertThat(ticks(written)).doesNotContainKey(Instant.parse("2024-01-01T12:18:00Z"));
      assertThat(ticks(written).keySet())
          .containsExactlyElementsOf(
              scenario.expected().stream().map(MetricScenarios.SessionRow::timestamp).toList());
      // A later sign_in of an unrelated user moves the watermark past 12:18; it changes no tick
      // <= 12:18 (it opens at 12:30) and no orphan minute.
      addBatch(
          input,
          query,
          List.of(
              new InputEvent(
                  "sign_in",
                  MetricScenarios.id(999),
                  Instant.parse("2024-01-01T12:30:00Z"),
                  99,
                  null,
                  null)));
      // A watermark tick record at 13:00 on sign_out moves W to 12:58: ticks up to 12:57.
      addRows(input, query, List.of(tickRow("sign_out", "2024-01-01T13:00:00Z")));
      assertThat(ticks(written).keySet())
          .hasSize(57)
          .last()
          .isEqualTo(Instant.parse("2024-01-01T12:57:00Z"));
    } finally {
      query.stop();
    }
    Map<Instant, String> expected = new TreeMap<>();
    scenario
        .expected()
        .forEach(
            e ->
                expected.put(
                    e.timestamp(),
                    e.activeSessions()
                        + " "
                        + e.averageSessionDurationS()
                        + " "
                        + e.averageActiveSessionAgeS()
                        + " "
                        + e.completedSessions()));
    Map<Instant, String> actual = new TreeMap<>(ticks(written));
    // The sign_in at 12:30 moved W to 12:28: the ticks after the scenario's are not its rows.
    actual.keySet().removeIf(t -> t.isAfter(Instant.parse("2024-01-01T12:17:00Z")));
    assertThat(actual).isEqualTo(expected);
    Map<Instant, Long> orphans = new TreeMap<>();
    for (SessionRow r : written) {
      if (SessionMetrics.ORPHANS.equals(r.getKind())) {
        assertThat(orphans.put(Instant.ofEpochMilli(r.getTimeMs()), r.getOrphanCount())).isNull();
      }
    }
    Map<Instant, Long> expectedOrphans = new TreeMap<>();
    scenario.expectedOrphans().forEach(o -> expectedOrphans.put(o.minute(), o.orphanCount()));
    assertThat(orphans).isEqualTo(expectedOrphans);
  }

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
          .add(
              "headers",
              DataTypes.createArrayType(
                  new StructType()
                      .add("key", DataTypes.StringType)
                      .add("value", DataTypes.BinaryType)));

  private static final InMemorySchemaRegistryClient REGISTRY = new InMemorySchemaRegistryClient();

  @Test
  void aForgedTickIsSkippedAndAdvancesNoSessionTickWhileASignedOneDoes() throws Exception {
    byte[] key = "q".repeat(32).getBytes(StandardCharsets.US_ASCII);
    MemoryStream<Row> kafka =
        new MemoryStream<>(
            STREAM_IDS.incrementAndGet(), spark.sqlContext(), Option.empty(), Encoders.row(KAFKA));
    LongAccumulator undecodable = spark.sparkContext().longAccumulator("forged-ticks");
    Dataset<Row> events =
        MetricEvents.fromKafkaRows(kafka.toDF(), () -> REGISTRY, key, undecodable);
    List<SessionRow> written = Collections.synchronizedList(new ArrayList<>());
    StreamingQuery query =
        SessionMetrics.rows(events, MetricScenarios.MAX_OUT_OF_ORDERNESS, Duration.ofHours(2))
            .writeStream()
            .option("checkpointLocation", checkpoints.resolve("forged").toString())
            .foreachBatch(
                (VoidFunction2<Dataset<SessionRow>, Long>)
                    (batch, id) -> written.addAll(batch.collectAsList()))
            .start();
    try {
      byte[] signIn =
          new ConfluentAvroSerializer(REGISTRY)
              .serialize(
                  "sign_in",
                  SignIn.newBuilder()
                      .setEventId(java.util.UUID.fromString(MetricScenarios.id(1)))
                      .setTimestamp(Instant.parse("2024-01-01T12:00:30Z"))
                      .setUserId(1)
                      .build());
      addRows(kafka, query, List.of(kafkaRow("sign_in", 0, signIn, "2024-01-01T12:00:30Z", null)));
      // Forged: the tick's shape, hours later, unsigned and signed with another key.
      byte[] otherKey = "z".repeat(32).getBytes(StandardCharsets.US_ASCII);
      long forgedAt = Instant.parse("2024-01-01T18:00:00Z").toEpochMilli();
      addRows(
          kafka,
          query,
          List.of(
              kafkaRow("sign_in", 1, null, "2024-01-01T18:00:00Z", null),
              kafkaRow(
                  "sign_out",
                  2,
                  null,
                  "2024-01-01T18:00:00Z",
                  TickSignature.sign(otherKey, "sign_out", 0, forgedAt))));
      assertThat(ticks(written)).as("W is still 11:58:30: no tick").isEmpty();
      assertThat(undecodable.value()).isEqualTo(2);

      long tick = Instant.parse("2024-01-01T12:10:00Z").toEpochMilli();
      addRows(
          kafka,
          query,
          List.of(
              kafkaRow(
                  "sign_out",
                  3,
                  null,
                  "2024-01-01T12:10:00Z",
                  TickSignature.sign(key, "sign_out", 0, tick))));
      // W = 12:08: ticks 12:01 .. 12:07, user 1 open since 12:00:30.
      assertThat(ticks(written))
          .hasSize(7)
          .containsEntry(Instant.parse("2024-01-01T12:07:00Z"), "1 null 390.0 0");
    } finally {
      query.stop();
    }
  }

  /** A sign_in of user {@code userId} at {@code at}, in the Confluent wire format. */
  private static byte[] signIn(int userId, Instant at) {
    return new ConfluentAvroSerializer(REGISTRY)
        .serialize(
            "sign_in",
            SignIn.newBuilder()
                .setEventId(java.util.UUID.fromString(MetricScenarios.id(userId)))
                .setTimestamp(at)
                .setUserId(userId)
                .build());
  }

  @Test
  void anEventDatedBeyondMaxEventTimeAheadIsSkippedAndCountedSoItMovesNoWatermark() {
    // Hand-built Kafka rows: a replayed past event, one a minute ahead of the wall clock (within
    // every bound below) and one a day ahead (the forged future of issue 23 item 5).
    Instant now = Instant.now();
    Instant past = Instant.parse("2024-01-01T12:00:30Z");
    Instant aMinuteAhead = now.plus(Duration.ofMinutes(1));
    Instant aDayAhead = now.plus(Duration.ofDays(1));
    Dataset<Row> kafka =
        spark.createDataFrame(
            List.of(
                kafkaRow("sign_in", 0, signIn(1, past), past.toString(), null),
                kafkaRow("sign_in", 1, signIn(2, aDayAhead), aDayAhead.toString(), null),
                kafkaRow("sign_in", 2, signIn(3, aMinuteAhead), aMinuteAhead.toString(), null)),
            KAFKA);

    LongAccumulator skipped = spark.sparkContext().longAccumulator("an-hour-ahead");
    List<Row> kept =
        MetricEvents.fromKafkaRows(kafka, () -> REGISTRY, null, skipped, Duration.ofHours(1))
            .collectAsList();
    assertThat(kept)
        .extracting(r -> r.<String>getAs("event_id"))
        .containsExactlyInAnyOrder(MetricScenarios.id(1), MetricScenarios.id(3));
    assertThat(skipped.value()).isEqualTo(1);

    // The default bound (2 min, the Flink jobs' default) refuses it too.
    LongAccumulator byDefault = spark.sparkContext().longAccumulator("default-ahead");
    assertThat(MetricEvents.fromKafkaRows(kafka, () -> REGISTRY, null, byDefault).count())
        .isEqualTo(2);
    assertThat(byDefault.value()).isEqualTo(1);

    // A bound beyond it lets it through: the flag decides, nothing else.
    LongAccumulator generous = spark.sparkContext().longAccumulator("two-days-ahead");
    List<Row> all =
        MetricEvents.fromKafkaRows(kafka, () -> REGISTRY, null, generous, Duration.ofDays(2))
            .collectAsList();
    assertThat(all)
        .extracting(r -> r.<Long>getAs("event_time_ms"))
        .containsExactlyInAnyOrder(
            past.toEpochMilli(), aDayAhead.toEpochMilli(), aMinuteAhead.toEpochMilli());
    assertThat(generous.value()).isZero();
  }

  /** A Kafka source row on partition 0; a null value is a tick, signed when {@code sig} is set. */
  private static Row kafkaRow(String topic, long offset, byte[] value, String at, byte[] sig) {
    List<Row> headers = new ArrayList<>();
    if (value == null) {
      headers.add(RowFactory.create(WatermarkTick.HEADER, WatermarkTick.headerValue()));
      if (sig != null) {
        headers.add(RowFactory.create(TickSignature.HEADER, sig));
      }
    }
    return RowFactory.create(
        null, value, topic, 0, offset, Timestamp.from(Instant.parse(at)), 0, headers.toArray());
  }

  @Test
  void joinsCheckoutsWithTheirCartsAndPricesDailyWeeklyAndCumulativeSales() throws Exception {
    MetricScenarios.SalesScenario scenario = MetricScenarios.sales();
    List<InputEvent> arrivals = scenario.arrivals();
    MemoryStream<Row> input = stream();
    StructType priceSchema =
        new StructType()
            .add("item_id", DataTypes.StringType)
            .add("list_price_cents", DataTypes.LongType);
    Dataset<Row> prices =
        spark.createDataFrame(
            scenario.catalog().stream()
                .map(c -> RowFactory.create(c.itemId(), c.listPriceCents()))
                .collect(Collectors.toList()),
            priceSchema);
    List<SalesRow> written = Collections.synchronizedList(new ArrayList<>());
    StreamingQuery query =
        MovieSalesMetrics.rows(input.toDF(), prices, MetricScenarios.MAX_OUT_OF_ORDERNESS)
            .writeStream()
            .option("checkpointLocation", checkpoints.resolve("sales").toString())
            .foreachBatch(
                (VoidFunction2<Dataset<SalesRow>, Long>)
                    (batch, id) -> written.addAll(batch.collectAsList()))
            .start();
    try {
      // Three batches, so join state and movie books span micro-batches; none of the later
      // batches holds an event behind the earlier batches' watermark.
      addBatch(input, query, arrivals.subList(0, 4));
      addBatch(input, query, arrivals.subList(4, 9));
      addBatch(input, query, arrivals.subList(9, arrivals.size()));
    } finally {
      query.stop();
    }
    // Rows are upserts: the last emitted value of a key is what the table holds.
    Map<String, String> actual = new TreeMap<>();
    for (SalesRow r : written) {
      actual.put(
          r.getWindowType()
              + " "
              + r.getMovieId()
              + " "
              + Instant.ofEpochMilli(r.getWindowStartMs()),
          Instant.ofEpochMilli(r.getWindowEndMs())
              + " "
              + MetricsWriter.dollars(r.getTotalCents())
              + " "
              + r.getUnitsSold());
    }
    Map<String, String> expected = new TreeMap<>();
    scenario
        .expected()
        .forEach(
            e ->
                expected.put(
                    e.windowType() + " " + e.movieId() + " " + e.windowStart(),
                    e.windowEnd() + " " + e.totalSales().setScale(2) + " " + e.unitsSold()));
    assertThat(actual).isEqualTo(expected);
    assertThat(MetricsWriter.dollars(1999)).isEqualByComparingTo(new BigDecimal("19.99"));
  }

  private static List<String> keys(List<Row> written) {
    return List.copyOf(written).stream()
        .map(r -> r.getString(0) + " " + r.getTimestamp(1).toInstant())
        .collect(Collectors.toList());
  }

  private static Map<Instant, String> ticks(List<SessionRow> written) {
    Map<Instant, String> ticks = new TreeMap<>();
    for (SessionRow r : List.copyOf(written)) {
      if (SessionMetrics.TICK.equals(r.getKind())) {
        String values =
            r.getActiveSessions()
                + " "
                + r.getAverageSessionDurationS()
                + " "
                + r.getAverageActiveSessionAgeS()
                + " "
                + r.getCompletedSessions();
        assertThat(ticks.put(Instant.ofEpochMilli(r.getTimeMs()), values)).isNull();
      }
    }
    return ticks;
  }

  private static MemoryStream<Row> stream() {
    return new MemoryStream<>(
        STREAM_IDS.incrementAndGet(),
        spark.sqlContext(),
        Option.empty(),
        Encoders.row(MetricEvents.SCHEMA));
  }

  /** Adds one micro-batch and waits until it and the no-data batch moving the watermark ran. */
  private static void addBatch(MemoryStream<Row> input, StreamingQuery query, List<InputEvent> ev) {
    Function<InputEvent, Row> row =
        e ->
            RowFactory.create(
                e.eventId(),
                e.topic(),
                e.userId(),
                Timestamp.from(e.eventTime()),
                e.eventTime().toEpochMilli(),
                e.itemId(),
                e.cartId(),
                false);
    addRows(input, query, ev.stream().map(row).collect(Collectors.toList()));
  }

  /** A watermark-tick row of {@link MetricEvents#SCHEMA}, as {@code fromKafka} makes it. */
  private static Row tickRow(String topic, String at) {
    Instant t = Instant.parse(at);
    return RowFactory.create(
        null, topic, null, Timestamp.from(t), t.toEpochMilli(), null, null, true);
  }

  /** As {@link #addBatch}, with rows of {@link MetricEvents#SCHEMA}. */
  private static void addRows(MemoryStream<Row> input, StreamingQuery query, List<Row> rows) {
    input.addData(JavaConverters.asScalaIteratorConverter(rows.iterator()).asScala());
    query.processAllAvailable();
  }

  private static long droppedBehindWatermark(StreamingQuery query) {
    long dropped = 0;
    for (StreamingQueryProgress p : query.recentProgress()) {
      for (StateOperatorProgress op : p.stateOperators()) {
        dropped += op.numRowsDroppedByWatermark();
      }
    }
    return dropped;
  }
}
