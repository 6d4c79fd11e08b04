package io.cinestream.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * A metric engine as the harness drives it: how to run one job to the end of the pre-loaded input
 * on the bench stack, and what the engine itself reports about that run.
 */
public interface Engine {

  /**
   * The {@code engine} column value of its rows ({@code flink}, {@code flink_sql}, {@code spark}).
   */
  String name();

  /**
   * Runs a job over the whole pre-loaded input and returns when it has finished.
   *
   * @param job the metric job
   * @param stack addresses of the bench stack
   * @param workDir a fresh directory for this run (log, checkpoints, event log)
   * @return what the run measured
   * @throws Exception when the job cannot be started or fails; the message names the log file
   */
  EngineRun run(MetricJob job, Stack stack, Path workDir) throws Exception;

  /**
   * Addresses of the bench stack.
   *
   * @param bootstrap Kafka bootstrap servers
   * @param registry schema registry URL
   * @param jdbcUrl warehouse JDBC URL
   * @param parallelism job parallelism (Flink) / local[N] cores (Spark)
   * @param inputRecords the job's input records (the ceiling's count), e.g. to size Spark's
   *     micro-batches
   */
  record Stack(
      String bootstrap, String registry, String jdbcUrl, int parallelism, long inputRecords) {}

  /**
   * What one job run measured.
   *
   * @param firstRecordMs start of processing, epoch ms (how each engine defines it is in its
   *     Javadoc: never the JVM or client start-up)
   * @param lastRecordMs end of processing, epoch ms
   * @param watermarks when the watermark at the timed sink reached which event time
   * @param usage CPU and peak memory of the engine's processes over the run
   * @param stateBytes state size at the end (last completed checkpoint or state store), or null
   * @param phases where the time went, in words, from the engine's own timestamps
   * @param log the run's log file
   * @param submitMs when the harness started the launch (the {@code flink run} client or
   *     spark-submit), epoch ms: start-up is from here to the first input record
   * @param firstInputMs when the engine's input counter first showed a record, epoch ms
   * @param input the engine's own cumulative input counter over time (Flink: the sources' {@code
   *     numRecordsOut}; Spark: {@code numInputRows} summed at each micro-batch's end), for {@link
   *     SteadyState}
   * @param cpu cumulative CPU-seconds of the engine's JVMs over time ({@link
   *     ResourceSampler#cpuSeries}), the same accounting for every engine
   * @param checkpoints completed checkpoints (Flink) or committed micro-batches (Spark)
   * @param checkpointMs their summed duration, ms (Flink: end-to-end durations from the REST
   *     checkpoint statistics; Spark: the batches' {@code walCommit + commitOffsets})
   */
  record EngineRun(
      long firstRecordMs,
      long lastRecordMs,
      WatermarkTimeline watermarks,
      ResourceSampler.Usage usage,
      Long stateBytes,
      String phases,
      Path log,
      long submitMs,
      long firstInputMs,
      List<SteadyState.Sample> input,
      List<SteadyState.Sample> cpu,
      long checkpoints,
      long checkpointMs) {}
}
