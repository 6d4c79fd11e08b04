package io.cinestream.flink.testing;

import io.cinestream.flink.JobEnvironment;
import io.cinestream.flink.JobOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Base of the job ITCases: one MiniCluster per test class (1 TaskManager, 2 slots), jobs at
 * parallelism 2 with a parallelism-1 source (so the fixtures' arrival order, and hence which events
 * are late, is deterministic) and one watermark per record.
 *
 * <p>Every test has a timeout, and jobs still running after a test are cancelled, so that a job
 * that never finishes fails its test (and Surefire's retry) instead of hanging the build or holding
 * the shared cluster's slots.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
public abstract class MiniClusterTestBase {

  /**
   * Cancels the jobs a test left running (after a timeout or an assertion failure mid-job) and
   * waits until they are gone, so that the next test (or Surefire's retry) starts on a free
   * cluster.
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
   * Stops {@code job} with a savepoint into {@code dir}, retrying while some of its tasks are still
   * being deployed: a source can emit into its output buffers (and reach a {@code SourceGate})
   * before every downstream task is RUNNING, and a savepoint needs all of them running.
   *
   * @return the savepoint path
   */
  protected static String stopWithSavepoint(JobClient job, Path dir) throws Exception {
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    while (true) {
      try {
        return job.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
            .get(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        boolean notRunningYet =
            ExceptionUtils.findThrowableWithMessage(e, "is not being executed at the moment")
                .isPresent();
        if (!notRunningYet || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
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
            new String[] {"--checkpoint-interval", "0", "--restart-attempts", "0"})
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
