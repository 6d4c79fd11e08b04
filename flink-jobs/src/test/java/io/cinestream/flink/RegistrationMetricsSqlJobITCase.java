package io.cinestream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.LateEvent;
import io.cinestream.flink.model.RegistrationMetric;
import io.cinestream.flink.testing.CollectingSink;
import io.cinestream.flink.testing.Expected;
import io.cinestream.flink.testing.MiniClusterTestBase;
import io.cinestream.flink.testing.TestInputs;
import io.cinestream.testsupport.fixtures.MetricScenarios;
import io.cinestream.testsupport.fixtures.MetricScenarios.RegistrationScenario;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

/**
 * {@link RegistrationMetricsSqlJob} on MiniCluster at parallelism 2: its rows equal the DataStream
 * job's on the same out-of-order input with duplicates and late events, and hand-computed values.
 */
class RegistrationMetricsSqlJobITCase extends MiniClusterTestBase {

  private static final String TUMBLING = RegistrationMetricsJob.TUMBLING_1H;
  private static final String SLIDING = RegistrationMetricsJob.SLIDING_1H_15M;

  @Test
  void matchesTheDataStreamJobAndTheFixtureOnTheSharedScenario() throws Exception {
    RegistrationScenario scenario = MetricScenarios.registrations();
    List<Either<DeadLetter, Event>> input =
        new ArrayList<>(TestInputs.decoded(scenario.arrivals()));
    DeadLetter undecodable =
        new DeadLetter("consumer_registration", 1, 17L, "9", "AQID", "BAD_MAGIC_BYTE: 0x01");
    input.add(4, Either.Left(undecodable));

    Run sql = runSql(input);
    Run dataStream = runDataStream(input);

    assertThat(sql.metrics)
        .containsExactlyInAnyOrderElementsOf(Expected.registrations(scenario.expected()))
        .containsExactlyInAnyOrderElementsOf(dataStream.metrics);
    assertThat(withoutJob(sql.late))
        .containsExactlyElementsOf(withoutJob(Expected.late(scenario.expectedLate())))
        .containsExactlyElementsOf(withoutJob(dataStream.late));
    assertThat(sql.late).allMatch(l -> l.job().equals(RegistrationMetricsSqlJob.NAME));
    assertThat(sql.deadLetters).containsExactly(undecodable);
  }

  /**
   * Hand-computed: user 1 registers twice in 10:00-11:00 (counted once), user 2's event arrives
   * twice (same event id: counted once), user 3's at 10:51 arrives after user 2's at 10:52 (out of
   * order within the 2 min bound: counted), 10:52 lies in all 4 sliding windows that contain it,
   * user 5's at 10:59 arrives after 11:30 (behind DESIGN's watermark 11:30 - 2 min = 11:28:
   * excluded, a late event recorded with that watermark).
   */
  @Test
  void countsEachUserOncePerWindowAndExcludesLateEvents() throws Exception {
    Instant h10 = Instant.parse("2026-01-05T10:00:00Z");
    List<Either<DeadLetter, Event>> input =
        List.of(
            reg("00000000-0000-0000-0000-000000000001", h10.plusSeconds(5 * 60), 1),
            reg("00000000-0000-0000-0000-000000000002", h10.plusSeconds(20 * 60), 1),
            reg("00000000-0000-0000-0000-000000000003", h10.plusSeconds(52 * 60), 2),
            reg("00000000-0000-0000-0000-000000000004", h10.plusSeconds(51 * 60), 3),
            reg("00000000-0000-0000-0000-000000000003", h10.plusSeconds(52 * 60), 2),
            reg("00000000-0000-0000-0000-000000000005", h10.plusSeconds(90 * 60), 4),
            reg("00000000-0000-0000-0000-000000000006", h10.plusSeconds(59 * 60), 5));

    Run sql = runSql(input);
    Run dataStream = runDataStream(input);

    assertThat(sql.metrics)
        .containsExactlyInAnyOrder(
            row(TUMBLING, h10, 60, 3),
            row(TUMBLING, h10.plusSeconds(3600), 60, 1),
            row(SLIDING, h10.minusSeconds(45 * 60), 60, 1),
            row(SLIDING, h10.minusSeconds(30 * 60), 60, 1),
            row(SLIDING, h10.minusSeconds(15 * 60), 60, 1),
            row(SLIDING, h10, 60, 3),
            row(SLIDING, h10.plusSeconds(15 * 60), 60, 3),
            row(SLIDING, h10.plusSeconds(30 * 60), 60, 2),
            row(SLIDING, h10.plusSeconds(45 * 60), 60, 3),
            row(SLIDING, h10.plusSeconds(60 * 60), 60, 1),
            row(SLIDING, h10.plusSeconds(75 * 60), 60, 1),
            row(SLIDING, h10.plusSeconds(90 * 60), 60, 1))
        .containsExactlyInAnyOrderElementsOf(dataStream.metrics);
    assertThat(sql.late)
        .containsExactly(
            new LateEvent(
                RegistrationMetricsSqlJob.NAME,
                "00000000-0000-0000-0000-000000000006",
                "consumer_registration",
                h10.plusSeconds(59 * 60).toEpochMilli(),
                h10.plusSeconds(88 * 60).toEpochMilli()));
    assertThat(withoutJob(sql.late)).isEqualTo(withoutJob(dataStream.late));
  }

  private static Either<DeadLetter, Event> reg(String id, Instant at, int user) {
    return Either.Right(Event.registration(id, at.toEpochMilli(), user));
  }

  private static RegistrationMetric row(String type, Instant start, int minutes, long count) {
    return new RegistrationMetric(
        type, start.toEpochMilli(), start.plusSeconds(minutes * 60L).toEpochMilli(), count);
  }

  private static List<LateEvent> withoutJob(List<LateEvent> late) {
    return late.stream()
        .map(l -> new LateEvent("", l.eventId(), l.topic(), l.eventTimeMs(), l.watermarkMs()))
        .toList();
  }

  private record Run(
      List<RegistrationMetric> metrics, List<LateEvent> late, List<DeadLetter> deadLetters) {}

  private static Run runSql(List<Either<DeadLetter, Event>> input) throws Exception {
    CollectingSink<RegistrationMetric> metrics = new CollectingSink<>();
    CollectingSink<LateEvent> late = new CollectingSink<>();
    CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
    JobOptions options = testOptions();
    StreamExecutionEnvironment env = environment(options);
    new RegistrationMetricsSqlJob(
            options, TestInputs.source(input, TestInputs.EVENT_TYPE), metrics, late, deadLetters)
        .build(env);
    env.execute(RegistrationMetricsSqlJob.NAME);
    return new Run(metrics.values(), late.values(), deadLetters.values());
  }

  private static Run runDataStream(List<Either<DeadLetter, Event>> input) throws Exception {
    CollectingSink<RegistrationMetric> metrics = new CollectingSink<>();
    CollectingSink<LateEvent> late = new CollectingSink<>();
    CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
    JobOptions options = testOptions();
    StreamExecutionEnvironment env = environment(options);
    new RegistrationMetricsJob(
            options, TestInputs.source(input, TestInputs.EVENT_TYPE), metrics, late, deadLetters)
        .build(env);
    env.execute(RegistrationMetricsJob.NAME);
    return new Run(metrics.values(), late.values(), deadLetters.values());
  }
}
