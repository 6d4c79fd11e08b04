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
 * rocksdb} state backend (RocksDB with incremental checkpoints), the restart strategy of {@code
 * --restart-strategy}, object reuse between chained operators (every record type is immutable), and
 * no Kryo fallback (every type the jobs ship between operators has a Flink serializer).
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
    // A job set here overrides the cluster's restart strategy, so the choice is made per run mode
    // (docs/operations.md#restart-strategy): an unbounded job retries without limit, backing off,
    // because a TaskManager may be gone for minutes (a pod rescheduled, a host restarted) and a job
    // that gives up after a fixed budget stays FAILED until someone resubmits it; a bounded replay
    // gives up after a few attempts so that a real fault ends the run with an error.
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, options.restartStrategy());
    if ("fixed-delay".equals(options.restartStrategy())) {
      conf.set(
          RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, options.restartAttempts());
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, options.restartDelay());
    }
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    // Object reuse: chained operators hand records over without a serializer copy. Safe here
    // because every record type shipped between operators is immutable (Java records, String,
    // Long; Event's own serializer declares it immutable), so no function can change an object a
    // downstream function or a state backend still holds. Audited functions that keep references to
    // their inputs: SessionTracker (pending events), SumWindowPresence (a partial as its total),
    // PreAggregateWindowPresence (partials), the interval join's buffers and the JDBC sinks'
    // batches: all hold immutable records. A new mutable record type must not be added without
    // revisiting this.
    conf.set(PipelineOptions.OBJECT_REUSE, true);
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
