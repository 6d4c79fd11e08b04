package io.cinestream.flink;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Builds the execution environment of a job from its {@link JobOptions}: parallelism, exactly-once
 * checkpoints every {@code --checkpoint-interval} (retained on cancellation, so a job can be
 * resumed from its last checkpoint as well as from a savepoint), the {@code hashmap} or {@code
 * rocksdb} state backend (RocksDB with incremental checkpoints), a fixed-delay restart strategy,
 * and no Kryo fallback (every type the jobs ship between operators has a Flink serializer).
 */
public final class JobEnvironment {

  private JobEnvironment() {}

  /** The configuration the options translate to (also used by tests on a MiniCluster). */
  public static Configuration configuration(JobOptions options) {
    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, options.stateBackend());
    // RocksDB checkpoints upload only the SST files created since the last checkpoint: a
    // checkpoint's cost follows the state's churn, not its size (the heap backend has no such
    // mode).
    conf.set(
        CheckpointingOptions.INCREMENTAL_CHECKPOINTS, "rocksdb".equals(options.stateBackend()));
    if (!options.checkpointInterval().isZero()) {
      conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, options.checkpointInterval());
      conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
      conf.set(
          CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
          ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    }
    if (options.checkpointDir() != null) {
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, options.checkpointDir());
    }
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, options.restartAttempts());
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, options.restartDelay());
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    return conf;
  }

  /** The environment of a job run with these options. */
  public static StreamExecutionEnvironment create(JobOptions options) {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(configuration(options));
    env.setParallelism(options.parallelism());
    return env;
  }
}
