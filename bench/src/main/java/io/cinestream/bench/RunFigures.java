package io.cinestream.bench;

import java.util.List;

/**
 * The fair figures of one engine run (issue 21), computed the same way for every engine from what
 * {@link Engine#run} measured.
 *
 * @param eventsPerSecond steady-state rate: the engine's input counter over the {@link SteadyState}
 *     window, per s
 * @param startupSeconds launch start to the first input record, s
 * @param endToEndPerSecond all input records / (end of processing - launch start)
 * @param spanSeconds the steady-state window's length, s
 * @param cpuSecondsPerMillion CPU-seconds of the engine's JVMs over the window per million input
 *     records counted in the window
 * @param checkpoints completed checkpoints (Flink) or committed micro-batches (Spark)
 * @param checkpointMs their summed duration, ms
 */
public record RunFigures(
    double eventsPerSecond,
    double startupSeconds,
    double endToEndPerSecond,
    double spanSeconds,
    double cpuSecondsPerMillion,
    long checkpoints,
    long checkpointMs) {

  /**
   * The figures of a run.
   *
   * @param run what the engine measured
   * @param events all input records of the job (the ceiling's count)
   * @param warmupShare share of the input before the window (e.g. 0.1)
   * @param endShare share of the input at which the window ends (e.g. 0.9)
   * @return the figures
   * @throws IllegalStateException when the run has no steady-state window ({@link SteadyState#of})
   *     or no CPU samples
   */
  public static RunFigures of(
      Engine.EngineRun run, long events, double warmupShare, double endShare) {
    SteadyState.Window w = SteadyState.of(run.input(), events, warmupShare, endShare);
    List<SteadyState.Sample> cpu = run.cpu();
    if (cpu.isEmpty()) {
      throw new IllegalStateException("no CPU samples of the engine's processes");
    }
    double cpuSeconds = SteadyState.valueAt(cpu, w.endMs()) - SteadyState.valueAt(cpu, w.startMs());
    double records = w.endValue() - w.startValue();
    return new RunFigures(
        w.rate(),
        (run.firstInputMs() - run.submitMs()) / 1000.0,
        events * 1000.0 / Math.max(1, run.lastRecordMs() - run.submitMs()),
        w.seconds(),
        cpuSeconds * 1e6 / Math.max(1, records),
        run.checkpoints(),
        run.checkpointMs());
  }

  /**
   * The medians and spreads of repeated runs.
   *
   * @param runs at least one run's figures
   * @param parity the Flink SQL parity verdict, or null
   * @return the steady-state row figures
   * @throws IllegalArgumentException when {@code runs} is empty
   */
  public static BenchResult.Steady combine(List<RunFigures> runs, String parity) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no runs to combine");
    }
    return new BenchResult.Steady(
        Spread.of(runs.stream().map(RunFigures::eventsPerSecond).toList()),
        Spread.of(runs.stream().map(RunFigures::startupSeconds).toList()),
        Spread.of(runs.stream().map(RunFigures::endToEndPerSecond).toList()),
        Spread.of(runs.stream().map(RunFigures::spanSeconds).toList()).median(),
        Spread.of(
                runs.stream()
                    .map(r -> r.spanSeconds() / Math.max(0.001, r.startupSeconds()))
                    .toList())
            .median(),
        Spread.of(runs.stream().map(RunFigures::cpuSecondsPerMillion).toList()),
        Math.round(Spread.of(runs.stream().map(r -> (double) r.checkpoints()).toList()).median()),
        Math.round(Spread.of(runs.stream().map(r -> (double) r.checkpointMs()).toList()).median()),
        parity);
  }
}
