package io.cinestream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.LateEvent;
import io.cinestream.flink.model.RegistrationMetric;
import io.cinestream.flink.testing.CollectingSink;
import io.cinestream.flink.testing.Expected;
import io.cinestream.flink.testing.MiniClusterTestBase;
import io.cinestream.flink.testing.SourceGate;
import io.cinestream.flink.testing.TestInputs;
import io.cinestream.testsupport.fixtures.MetricScenarios;
import io.cinestream.testsupport.fixtures.MetricScenarios.RegistrationScenario;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
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
      SourceGate.open();
      job.cancel().get();
    }
  }
}
