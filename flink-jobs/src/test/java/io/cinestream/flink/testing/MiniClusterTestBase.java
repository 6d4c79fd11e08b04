package io.cinestream.flink.testing;

import io.cinestream.flink.JobEnvironment;
import io.cinestream.flink.JobOptions;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Base of the job ITCases: one MiniCluster per test class (1 TaskManager, 2 slots), jobs at
 * parallelism 2 with a parallelism-1 source (so the fixtures' arrival order, and hence which events
 * are late, is deterministic) and one watermark per record.
 */
public abstract class MiniClusterTestBase {

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
