package io.cinestream.bench;

import java.nio.file.Path;

/**
 * A metric engine as the harness drives it: how to run one job to the end of the pre-loaded input
 * on the bench stack, and what the engine itself reports about that run.
 */
public interface Engine {

  /** The {@code engine} column value of its rows ({@code flink}, {@code spark}). */
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
   */
  record Stack(String bootstrap, String registry, String jdbcUrl, int parallelism) {}

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
   */
  record EngineRun(
      long firstRecordMs,
      long lastRecordMs,
      WatermarkTimeline watermarks,
      ResourceSampler.Usage usage,
      Long stateBytes,
      String phases,
      Path log) {}
}
