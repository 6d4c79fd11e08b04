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
 * @param error why the run failed, or null
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
    String error) {

  /** A failed run: only the job, engine and reason. */
  public static BenchResult failed(String job, String engine, String error) {
    return new BenchResult(
        job, engine, 0, 0, 0, 0, null, null, 0, 0, 0, 0, 0, 0, null, null, error);
  }
}
