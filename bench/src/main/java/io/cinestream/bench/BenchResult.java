package io.cinestream.bench;

/**
 * One row of the results: a job on one engine (or the ceiling) over the pre-loaded input.
 *
 * @param job job id ({@code registration}, {@code sessions}, {@code sales})
 * @param engine {@code flink}, {@code spark} or {@code ceiling}
 * @param events input records (all records of the job's topics)
 * @param seconds processing span, first to last record, s
 * @param eventsPerSecond {@code events / seconds}
 * @param ratioToCeiling events/s divided by the ceiling's on the same topics (1.0 for the ceiling)
 * @param windowToSink latency from the watermark passing a window's end to its row being visible in
 *     the sink, after warm-up; null for the ceiling or when nothing could be timed
 * @param emitToSink latency from the row's {@code emitted_at} to visible, after warm-up
 * @param rows metric rows seen in the sink
 * @param untimedRows rows whose window end no watermark observation reached
 * @param clampedRows rows seen before the watermark observation that passed their window end,
 *     counted as 0 ms (polling resolution; when most are, the window-to-sink figure says little)
 * @param cpuSeconds CPU time of the engine's processes over the run, s
 * @param cpuSecondsPerMillion {@code cpuSeconds} per million input events
 * @param peakRssMb peak resident memory of the engine's processes, MiB
 * @param stateBytes state size at the end, or null when the engine reported none
 * @param phases where the engine's time went, in words (from its own timestamps), or null
 * @param error why the run failed, or null ({@code "n/a: ..."} for a job the engine does not have)
 * @param steady the steady-state figures over the repeated runs, or null (failed, n/a)
 */
public record BenchResult(
    String job,
    String engine,
    long events,
    double seconds,
    double eventsPerSecond,
    double ratioToCeiling,
    LatencySummary windowToSink,
    LatencySummary emitToSink,
    int rows,
    int untimedRows,
    int clampedRows,
    double cpuSeconds,
    double cpuSecondsPerMillion,
    double peakRssMb,
    Long stateBytes,
    String phases,
    String error,
    Steady steady) {

  /** A row without steady-state figures (all other components as the canonical constructor). */
  public BenchResult(
      String job,
      String engine,
      long events,
      double seconds,
      double eventsPerSecond,
      double ratioToCeiling,
      LatencySummary windowToSink,
      LatencySummary emitToSink,
      int rows,
      int untimedRows,
      int clampedRows,
      double cpuSeconds,
      double cpuSecondsPerMillion,
      double peakRssMb,
      Long stateBytes,
      String phases,
      String error) {
    this(
        job,
        engine,
        events,
        seconds,
        eventsPerSecond,
        ratioToCeiling,
        windowToSink,
        emitToSink,
        rows,
        untimedRows,
        clampedRows,
        cpuSeconds,
        cpuSecondsPerMillion,
        peakRssMb,
        stateBytes,
        phases,
        error,
        null);
  }

  /** A failed run: only the job, engine and reason. */
  public static BenchResult failed(String job, String engine, String error) {
    return new BenchResult(
        job, engine, 0, 0, 0, 0, null, null, 0, 0, 0, 0, 0, 0, null, null, error);
  }

  /** A job the engine does not have (Flink SQL has no sessions job): "n/a" in the table. */
  public static BenchResult notApplicable(String job, String engine, String why) {
    return failed(job, engine, "n/a: " + why);
  }

  /** Whether this row is {@link #notApplicable}. */
  public boolean isNotApplicable() {
    return error != null && error.startsWith("n/a");
  }

  /**
   * The steady-state figures of a job on an engine over {@code --runs} runs (docs: the fair
   * benchmark, issue 21): each a median with its min-max spread over the runs.
   *
   * @param eventsPerSecond the engine's input counter over the steady-state window ({@link
   *     SteadyState}: after the first 10 %, before the last 10 % of the input, by default), per s
   * @param startupSeconds from starting the launch (flink run client, spark-submit) to the engine's
   *     first input record, s ({@code null} for the ceiling)
   * @param endToEndPerSecond all input records / (end of processing - start of the launch)
   * @param spanSeconds the steady-state window's length, s (median)
   * @param spanOverStartup the window's length over the start-up (median of the per-run ratios);
   *     the figure is fair when it is at least 20
   * @param cpuSecondsPerMillion CPU-seconds of the engine's JVMs over the window per million input
   *     records in the window
   * @param checkpoints completed checkpoints (Flink) or committed micro-batches (Spark), median
   * @param checkpointMs their summed duration, ms, median
   * @param parity for {@code flink_sql}: whether its rows equal the DataStream job's ({@code SQL
   *     EXCEPT} both ways), else null
   */
  public record Steady(
      Spread eventsPerSecond,
      Spread startupSeconds,
      Spread endToEndPerSecond,
      double spanSeconds,
      double spanOverStartup,
      Spread cpuSecondsPerMillion,
      long checkpoints,
      long checkpointMs,
      String parity) {}
}
