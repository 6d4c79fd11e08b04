package io.cinestream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.events.ConsumerRegistration;
import io.cinestream.events.PreferredLanguage;
import io.cinestream.flink.io.EventDeserializer;
import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.LateEvent;
import io.cinestream.flink.model.RegistrationMetric;
import io.cinestream.flink.testing.CollectingSink;
import io.cinestream.flink.testing.Expected;
import io.cinestream.flink.testing.MiniClusterTestBase;
import io.cinestream.flink.testing.SourceGate;
import io.cinestream.flink.testing.TestInputs;
import io.cinestream.schemas.serde.ConfluentAvroCodec;
import io.cinestream.schemas.serde.InMemorySchemaRegistryClient;
import io.cinestream.testsupport.fixtures.MetricScenarios;
import io.cinestream.testsupport.fixtures.MetricScenarios.RegistrationScenario;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class RegistrationMetricsJobITCase extends MiniClusterTestBase {

  @Test
  void countsDistinctUsersPerWindowAndDivertsLateDuplicateAndUndecodableRecords() throws Exception {
    RegistrationScenario scenario = MetricScenarios.registrations();
    List<Either<DeadLetter, Event>> input =
        new ArrayList<>(TestInputs.decoded(scenario.arrivals()));
    DeadLetter undecodable =
        new DeadLetter("consumer_registration", 1, 17L, "9", "AQID", "BAD_MAGIC_BYTE: 0x01");
    input.add(4, Either.Left(undecodable));
    CollectingSink<RegistrationMetric> metrics = new CollectingSink<>();
    CollectingSink<LateEvent> late = new CollectingSink<>();
    CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
    JobOptions options = testOptions();
    StreamExecutionEnvironment env = environment(options);

    new RegistrationMetricsJob(
            options, TestInputs.source(input, TestInputs.EVENT_TYPE), metrics, late, deadLetters)
        .build(env);
    env.execute(RegistrationMetricsJob.NAME);

    assertThat(metrics.values())
        .containsExactlyInAnyOrderElementsOf(Expected.registrations(scenario.expected()));
    assertThat(late.values()).containsExactlyElementsOf(Expected.late(scenario.expectedLate()));
    assertThat(deadLetters.values()).containsExactly(undecodable);
  }

  @Test
  void aTickClosesEveryWindowBeforeTheInputEndsAndReachesNoOutput() throws Exception {
    RegistrationScenario scenario = MetricScenarios.registrations();
    Instant lastEnd =
        scenario.expected().stream()
            .map(MetricScenarios.RegistrationRow::windowEnd)
            .max(Instant::compareTo)
            .orElseThrow();
    // T = last window end + max_out_of_orderness + 1 s: the watermark T - 2 min - 1 ms passes it.
    long t = lastEnd.plus(MetricScenarios.MAX_OUT_OF_ORDERNESS).plusSeconds(1).toEpochMilli();
    List<Either<DeadLetter, Event>> input =
        new ArrayList<>(TestInputs.decoded(scenario.arrivals()));
    input.add(Either.Right(Event.watermarkTick("consumer_registration", t)));
    // Held back by the gate, so the input never ends during the check (no +infinity watermark).
    input.add(Either.Right(Event.watermarkTick("consumer_registration", t)));
    CollectingSink<RegistrationMetric> metrics = new CollectingSink<>();
    CollectingSink<LateEvent> late = new CollectingSink<>();
    CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
    JobOptions options = testOptions();
    StreamExecutionEnvironment env = environment(options);
    new RegistrationMetricsJob(
            options,
            TestInputs.source(
                input, TestInputs.EVENT_TYPE, SourceGate.closeAfter(input.size() - 1)),
            metrics,
            late,
            deadLetters)
        .build(env);
    JobClient job = env.executeAsync(RegistrationMetricsJob.NAME);
    try {
      SourceGate.awaitPaused();
      List<RegistrationMetric> expected = Expected.registrations(scenario.expected());
      long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
      while (metrics.values().size() < expected.size() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }

      assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
      assertThat(metrics.values()).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(late.values()).containsExactlyElementsOf(Expected.late(scenario.expectedLate()));
      assertThat(deadLetters.values()).isEmpty();
    } finally {
      cancelGated(job);
    }
  }

  /**
   * Issue 23 item 5: one registration dated a day ahead of the wall clock arrives mid-stream. It
   * goes through the production deserializer (wire format, wall clock fixed just after the last
   * fixture event), becomes an INVALID_VALUE dead letter, and never reaches the watermark: the
   * metrics and the late events are exactly the scenario's, so no later good event is late. The
   * second run feeds the same record past the check and shows what it would have done.
   */
  @Test
  void aFarFutureRegistrationIsDeadLetteredAndMakesNoLaterRegistrationLate() throws Exception {
    RegistrationScenario scenario = MetricScenarios.registrations();
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    ConfluentAvroCodec codec = new ConfluentAvroCodec(registry);
    Clock wallClock = Clock.fixed(Instant.parse("2024-01-01T11:31:00Z"), ZoneOffset.UTC);
    EventDeserializer deserializer =
        new EventDeserializer(() -> registry, null, wallClock, Duration.ofMinutes(2));
    deserializer.open(null);
    List<ConsumerRegistration> records = new ArrayList<>();
    for (MetricScenarios.InputEvent e : scenario.arrivals()) {
      records.add(registration(e.eventId(), e.eventTime(), e.userId()));
    }
    // After the third arrival (W = 10:18): a day ahead of the wall clock.
    ConsumerRegistration future =
        registration(MetricScenarios.id(99), Instant.parse("2024-01-02T11:00:00Z"), 99);
    records.add(3, future);
    List<Either<DeadLetter, Event>> input = new ArrayList<>();
    for (int offset = 0; offset < records.size(); offset++) {
      byte[] value = codec.serialize("consumer_registration-value", records.get(offset));
      deserializer.deserialize(
          new ConsumerRecord<>(
              "consumer_registration", 0, offset, "k".getBytes(StandardCharsets.UTF_8), value),
          collector(input));
    }

    assertThat(input.get(3).isLeft()).isTrue();
    Run checked = run(input);

    assertThat(checked.metrics.values())
        .containsExactlyInAnyOrderElementsOf(Expected.registrations(scenario.expected()));
    assertThat(checked.late.values())
        .containsExactlyElementsOf(Expected.late(scenario.expectedLate()));
    assertThat(checked.deadLetters.values())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.offset()).isEqualTo(3L);
              assertThat(d.error())
                  .isEqualTo(
                      "INVALID_VALUE: topic consumer_registration partition 0 offset 3: event time"
                          + " 2024-01-02T11:00:00Z more than PT2M ahead of the wall clock"
                          + " 2024-01-01T11:31:00Z");
            });

    // Without the check: the same record moves the watermark to 2024-01-02T10:57:59.999 and every
    // later registration of 2024-01-01 (the 7 arrivals after it) is late.
    List<Either<DeadLetter, Event>> unchecked = new ArrayList<>(input);
    unchecked.set(3, Either.Right(EventDeserializer.toEvent(future)));
    Run poisoned = run(unchecked);
    assertThat(poisoned.late.values()).hasSize(7);
  }

  private record Run(
      CollectingSink<RegistrationMetric> metrics,
      CollectingSink<LateEvent> late,
      CollectingSink<DeadLetter> deadLetters) {}

  private Run run(List<Either<DeadLetter, Event>> input) throws Exception {
    Run run = new Run(new CollectingSink<>(), new CollectingSink<>(), new CollectingSink<>());
    JobOptions options = testOptions();
    StreamExecutionEnvironment env = environment(options);
    new RegistrationMetricsJob(
            options,
            TestInputs.source(input, TestInputs.EVENT_TYPE),
            run.metrics,
            run.late,
            run.deadLetters)
        .build(env);
    env.execute(RegistrationMetricsJob.NAME);
    return run;
  }

  private static ConsumerRegistration registration(String eventId, Instant at, int userId) {
    return ConsumerRegistration.newBuilder()
        .setEventId(UUID.fromString(eventId))
        .setTimestamp(at)
        .setUserId(userId)
        .setAge(30)
        .setMaskedEmail("****@example.com")
        .setPreferredLanguage(PreferredLanguage.eng)
        .build();
  }

  private static Collector<Either<DeadLetter, Event>> collector(
      List<Either<DeadLetter, Event>> into) {
    return new Collector<>() {
      @Override
      public void collect(Either<DeadLetter, Event> record) {
        into.add(record);
      }

      @Override
      public void close() {}
    };
  }
}
