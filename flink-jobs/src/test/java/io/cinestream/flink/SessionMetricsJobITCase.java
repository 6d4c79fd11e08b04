package io.cinestream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.io.EventDeserializer;
import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.LateEvent;
import io.cinestream.flink.model.OrphanSignOuts;
import io.cinestream.flink.model.SessionMetric;
import io.cinestream.flink.testing.CollectingSink;
import io.cinestream.flink.testing.Expected;
import io.cinestream.flink.testing.MiniClusterTestBase;
import io.cinestream.flink.testing.SourceGate;
import io.cinestream.flink.testing.TestInputs;
import io.cinestream.schemas.TickSignature;
import io.cinestream.schemas.WatermarkTick;
import io.cinestream.schemas.serde.InMemorySchemaRegistryClient;
import io.cinestream.testsupport.fixtures.MetricScenarios;
import io.cinestream.testsupport.fixtures.MetricScenarios.SessionScenario;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionMetricsJobITCase extends MiniClusterTestBase {

  private static final SessionScenario SCENARIO = MetricScenarios.sessions();

  /** The sinks of one run. */
  private record Run(
      CollectingSink<SessionMetric> metrics,
      CollectingSink<OrphanSignOuts> orphans,
      CollectingSink<LateEvent> late,
      CollectingSink<DeadLetter> deadLetters) {
    Run() {
      this(
          new CollectingSink<>(),
          new CollectingSink<>(),
          new CollectingSink<>(),
          new CollectingSink<>());
    }
  }

  private static JobOptions options() {
    return testOptions().withSessionTimeout(SCENARIO.sessionTimeout());
  }

  private static Run build(StreamExecutionEnvironment env, RateLimiterStrategy<?> pacing) {
    return build(env, pacing, TestInputs.decoded(SCENARIO.arrivals()));
  }

  private static Run build(
      StreamExecutionEnvironment env,
      RateLimiterStrategy<?> pacing,
      List<Either<DeadLetter, Event>> input) {
    Run run = new Run();
    new SessionMetricsJob(
            options(),
            TestInputs.source(input, TestInputs.EVENT_TYPE, pacing),
            run.metrics(),
            run.orphans(),
            run.late(),
            run.deadLetters())
        .build(env);
    return run;
  }

  @Test
  void emitsOneRowPerMinuteWithDuplicateSignInOrphansTimeoutAndOverlappingUsers() throws Exception {
    StreamExecutionEnvironment env = environment(options());
    Run run = build(env, RateLimiterStrategy.noOp());
    env.execute(SessionMetricsJob.NAME);

    assertThat(run.metrics().values())
        .containsExactlyInAnyOrderElementsOf(Expected.sessions(SCENARIO.expected()));
    assertThat(run.orphans().values())
        .containsExactlyInAnyOrderElementsOf(Expected.orphans(SCENARIO.expectedOrphans()));
    assertThat(run.late().values()).isEmpty();
    assertThat(run.deadLetters().values()).isEmpty();
  }

  @Test
  void runsTheTicksOnToTheLastMinuteAWatermarkTickRecordsWatermarkPassed() throws Exception {
    StreamExecutionEnvironment env = environment(options());
    List<Either<DeadLetter, Event>> input =
        new ArrayList<>(TestInputs.decoded(SCENARIO.arrivals()));
    // A tick record at 12:30 (as on every partition after a run): W = 12:28, last tick 12:27.
    long tick = Instant.parse("2024-01-01T12:30:00Z").toEpochMilli();
    input.add(Either.Right(Event.watermarkTick("sign_in", tick)));
    input.add(Either.Right(Event.watermarkTick("sign_out", tick)));
    Run run = build(env, RateLimiterStrategy.noOp(), input);
    env.execute(SessionMetricsJob.NAME);

    List<SessionMetric> expected = new ArrayList<>(Expected.sessions(SCENARIO.expected()));
    long minute = 60_000L;
    long lastEvent = Instant.parse("2024-01-01T12:20:00Z").toEpochMilli();
    // 12:18, 12:19: nobody open; B (12:05, 240 s) and A (12:06:30, 360 s) completed in the hour.
    expected.add(new SessionMetric(lastEvent - 2 * minute, 0, 300.0, null, 2));
    expected.add(new SessionMetric(lastEvent - minute, 0, 300.0, null, 2));
    // 12:20 .. 12:27: A signed in again at 12:20 (expires at 12:30, after the last tick).
    for (long t = lastEvent; t <= lastEvent + 7 * minute; t += minute) {
      expected.add(new SessionMetric(t, 1, 300.0, (t - lastEvent) / 1000.0, 2));
    }
    assertThat(run.metrics().values()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(run.orphans().values())
        .containsExactlyInAnyOrderElementsOf(Expected.orphans(SCENARIO.expectedOrphans()));
    assertThat(run.late().values()).isEmpty();
    assertThat(run.deadLetters().values()).isEmpty();
  }

  @Test
  void aForgedTickMidStreamIsADeadLetterAndAdvancesNoTick() throws Exception {
    byte[] key = "k".repeat(32).getBytes(StandardCharsets.US_ASCII);
    long forgedAt = Instant.parse("2024-01-01T18:00:00Z").toEpochMilli();
    RecordHeaders unsigned = new RecordHeaders();
    unsigned.add(WatermarkTick.HEADER, WatermarkTick.headerValue());
    RecordHeaders badlySigned = new RecordHeaders();
    badlySigned.add(WatermarkTick.HEADER, WatermarkTick.headerValue());
    badlySigned.add(
        TickSignature.HEADER,
        TickSignature.sign(
            "x".repeat(32).getBytes(StandardCharsets.US_ASCII), "sign_in", 0, forgedAt));
    List<Either<DeadLetter, Event>> input =
        new ArrayList<>(TestInputs.decoded(SCENARIO.arrivals()));
    // Right shape (null key and value, the tick header, a record timestamp hours later), read
    // through the job's deserializer with the pipeline's key, in the middle of the input.
    input.addAll(5, deserialize(key, tickRecord(100, forgedAt, unsigned)));
    input.addAll(7, deserialize(key, tickRecord(101, forgedAt, badlySigned)));

    StreamExecutionEnvironment env = environment(options());
    Run run = build(env, RateLimiterStrategy.noOp(), input);
    env.execute(SessionMetricsJob.NAME);

    assertThat(run.metrics().values())
        .as("the same ticks as without the forged records: up to 12:17")
        .containsExactlyInAnyOrderElementsOf(Expected.sessions(SCENARIO.expected()));
    assertThat(run.deadLetters().values())
        .extracting(d -> d.offset() + " " + d.error().substring(0, d.error().indexOf(':')))
        .containsExactlyInAnyOrder("100 INVALID_TICK_SIGNATURE", "101 INVALID_TICK_SIGNATURE");
    assertThat(run.late().values()).isEmpty();
  }

  private static ConsumerRecord<byte[], byte[]> tickRecord(
      long offset, long timestampMs, RecordHeaders headers) {
    return new ConsumerRecord<>(
        "sign_in",
        0,
        offset,
        timestampMs,
        TimestampType.CREATE_TIME,
        -1,
        -1,
        null,
        null,
        headers,
        Optional.empty());
  }

  private static List<Either<DeadLetter, Event>> deserialize(
      byte[] key, ConsumerRecord<byte[], byte[]> record) throws Exception {
    EventDeserializer deserializer = new EventDeserializer(InMemorySchemaRegistryClient::new, key);
    deserializer.open(null);
    List<Either<DeadLetter, Event>> out = new ArrayList<>();
    deserializer.deserialize(
        record,
        new Collector<>() {
          @Override
          public void collect(Either<DeadLetter, Event> r) {
            out.add(r);
          }

          @Override
          public void close() {}
        });
    return out;
  }

  @Test
  void convergesToTheSameRowsWhenStoppedWithASavepointMidInputAndRestored(@TempDir Path dir)
      throws Exception {
    int consumedBeforeStop = 6;
    StreamExecutionEnvironment first = environment(options());
    Run before = build(first, SourceGate.closeAfter(consumedBeforeStop));
    JobClient job = first.executeAsync(SessionMetricsJob.NAME);
    SourceGate.awaitPaused();
    String savepoint = stopWithSavepoint(job, dir);
    assertThat(before.metrics().values())
        .as("nothing can be final before the gate: the watermark has not passed 12:04")
        .hasSizeLessThan(SCENARIO.expected().size());

    SourceGate.open();
    Configuration restore = new Configuration();
    restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
    StreamExecutionEnvironment second = environment(options(), restore);
    // The records the first run consumed are replaced by dead letters: a run that restored the
    // source position never reads them, a run that started afresh would.
    List<Either<DeadLetter, Event>> input =
        new ArrayList<>(TestInputs.decoded(SCENARIO.arrivals()));
    for (int i = 0; i < consumedBeforeStop; i++) {
      input.set(i, Either.Left(new DeadLetter("sign_in", 0, i, null, null, "already consumed")));
    }
    Run after = build(second, SourceGate.closeAfter(Long.MAX_VALUE / 2), input);
    second.execute(SessionMetricsJob.NAME);

    assertThat(after.deadLetters().values()).as("resumed after the savepoint's offset").isEmpty();

    assertThat(upserted(before.metrics().values(), after.metrics().values(), SessionMetric::tickMs))
        .containsExactlyInAnyOrderElementsOf(Expected.sessions(SCENARIO.expected()));
    assertThat(
            upserted(before.orphans().values(), after.orphans().values(), OrphanSignOuts::minuteMs))
        .containsExactlyInAnyOrderElementsOf(Expected.orphans(SCENARIO.expectedOrphans()));
  }

  /** What an upserting table holds after both runs: the last row per key. */
  private static <T, K> List<T> upserted(List<T> first, List<T> second, Function<T, K> key) {
    Map<K, T> table = new LinkedHashMap<>();
    first.forEach(r -> table.put(key.apply(r), r));
    second.forEach(r -> table.put(key.apply(r), r));
    return List.copyOf(table.values());
  }
}
