package io.cinestream.flink.testing;

import io.cinestream.flink.JobEnvironment;
import io.cinestream.flink.JobOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.testutils.CommonTestUtils;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Base of the job ITCases: one MiniCluster per test class (1 TaskManager, 2 slots), jobs at
 * parallelism 2 with a parallelism-1 source (so the fixtures' arrival order, and hence which events
 * are late, is deterministic) and one watermark per record.
 *
 * <p>Every test has a timeout, and jobs still running after a test are cancelled, so that a job
 * that never finishes fails its test instead of hanging the build or holding the shared cluster's
 * slots for the next test.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
public abstract class MiniClusterTestBase {

  /**
   * Cancels the jobs a test left running (after a timeout or an assertion failure mid-job) and
   * waits until they are gone, so that the next test starts on a free cluster.
   */
  @AfterEach
  void cancelLeftoverJobs(@InjectClusterClient ClusterClient<?> client) throws Exception {
    for (JobStatusMessage job : client.listJobs().get(30, TimeUnit.SECONDS)) {
      if (!job.getJobState().isGloballyTerminalState()) {
        client.cancel(job.getJobId()).get(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!client
                .getJobStatus(job.getJobId())
                .get(30, TimeUnit.SECONDS)
                .isGloballyTerminalState()
            && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
      }
    }
  }

  /**
   * Stops {@code job} with a savepoint into {@code dir} once every one of its tasks is RUNNING.
   *
   * <p>A stop-with-savepoint is refused ("is not being executed at the moment") while any task is
   * still DEPLOYING or INITIALIZING, and a gated source reaches its {@link SourceGate} as soon as
   * its own task runs: it only needs its output partitions, not its consumers. On a loaded machine
   * the downstream tasks can start hundreds of milliseconds later, so the test first waits for the
   * precondition of the savepoint (all tasks RUNNING, as read from the job's REST details) instead
   * of triggering and retrying on refusal.
   *
   * @return the savepoint path
   */
  protected static String stopWithSavepoint(JobClient job, Path dir) throws Exception {
    JobID id = job.getJobID();
    try (RestClusterClient<StandaloneClusterId> rest =
        new RestClusterClient<>(
            MINI_CLUSTER.getClientConfiguration(), StandaloneClusterId.getInstance())) {
      CommonTestUtils.waitForAllTaskRunning(
          () -> rest.getJobDetails(id).get(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    }
    return job.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
        .get(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /**
   * Opens the {@link SourceGate}, cancels {@code job} and waits until it is gone (at most {@code
   * JOB_TIMEOUT}). The gate is JVM-global: the source of a cancelled job that still runs keeps
   * taking permits, and on a loaded machine it took those of the next gated job, which then paused
   * one record early (before its last watermark tick) and produced nothing.
   */
  protected static void cancelGated(JobClient job) throws Exception {
    SourceGate.open();
    job.cancel().get(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    while (!job.getJobStatus()
            .get(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
            .isGloballyTerminalState()
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  /** The shared cluster. */
  @RegisterExtension
  protected static final MiniClusterExtension MINI_CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  /** Job options for tests: the defaults, punctuated watermarks, source parallelism 1. */
  protected static JobOptions testOptions() {
    return JobOptions.fromArgs(
            new String[] {"--checkpoint-interval", "0", "--restart-strategy", "none"})
        .withPunctuatedWatermarks()
        .withSourceParallelism(1);
  }

  /** An environment on the MiniCluster configured as production would be from {@code options}. */
  protected static StreamExecutionEnvironment environment(JobOptions options) {
    return environment(options, new Configuration());
  }

  /**
   * As {@link #environment(JobOptions)}, with extra configuration (e.g. a savepoint to restore).
   */
  protected static StreamExecutionEnvironment environment(JobOptions options, Configuration extra) {
    Configuration conf = JobEnvironment.configuration(options);
    conf.addAll(extra);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    return env;
  }

  /** Upper bound for a test job; never reached by a passing test. */
  protected static final Duration JOB_TIMEOUT = Duration.ofMinutes(2);
}
