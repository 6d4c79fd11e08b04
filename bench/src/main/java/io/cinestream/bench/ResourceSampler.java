package io.cinestream.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Samples the engine's processes every {@code intervalMs} on a daemon thread: CPU ticks per pid
 * (from the value at start, or from zero for a process the run started, to the last value seen: CPU
 * a process uses after its last sample, at most one interval before it exits, is missed) and the
 * peak of the summed resident memory ({@code VmRSS}, KiB).
 */
public final class ResourceSampler implements AutoCloseable {

  /** What the processes used between {@link #start} and {@link #close}. */
  public record Usage(double cpuSeconds, long peakRssKb) {}

  private final Supplier<List<Long>> pids;
  private final long intervalMs;
  private final boolean newProcessesFromZero;
  private boolean started;
  private final Map<Long, long[]> ticks = new HashMap<>(); // pid -> {first, last}
  private long peakRssKb;
  private final List<SteadyState.Sample> cpuSeries = new ArrayList<>();
  private Thread thread;
  private volatile boolean running = true;

  /**
   * @param pids the processes to sample, asked again at every sample (they may change)
   * @param intervalMs sampling interval
   * @param newProcessesFromZero a process first seen after {@link #start} counts all its CPU time
   *     (true for processes the run itself started, e.g. a spark-submit driver); false counts only
   *     the time after it was first seen
   */
  public ResourceSampler(Supplier<List<Long>> pids, long intervalMs, boolean newProcessesFromZero) {
    this.pids = pids;
    this.intervalMs = intervalMs;
    this.newProcessesFromZero = newProcessesFromZero;
  }

  /** Takes a first sample now and starts the sampling thread. */
  public ResourceSampler start() {
    sample();
    started = true;
    thread =
        new Thread(
            () -> {
              while (running) {
                try {
                  Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                  return;
                }
                sample();
              }
            },
            "resource-sampler");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  private synchronized void sample() {
    long rss = 0;
    for (long pid : pids.get()) {
      var s = ProcStats.read(pid);
      if (s.isEmpty()) {
        continue;
      }
      rss += s.get().rssKb();
      long t = s.get().cpuTicks();
      long baseline = started && newProcessesFromZero ? 0 : t;
      ticks.computeIfAbsent(pid, k -> new long[] {baseline, t})[1] = t;
    }
    peakRssKb = Math.max(peakRssKb, rss);
    cpuSeries.add(new SteadyState.Sample(System.currentTimeMillis(), cpuSecondsSoFar()));
  }

  private double cpuSecondsSoFar() {
    long total = 0;
    for (long[] fl : ticks.values()) {
      total += fl[1] - fl[0];
    }
    return (double) total / ProcStats.TICKS_PER_SECOND;
  }

  /**
   * The CPU-seconds counted so far at each sample (wall time, cumulative CPU-seconds of the
   * processes, counted as {@link #usage} counts them): {@link SteadyState#valueAt} on it gives the
   * CPU over any span of the run, e.g. the steady-state window.
   */
  public synchronized List<SteadyState.Sample> cpuSeries() {
    return List.copyOf(cpuSeries);
  }

  /** Takes a last sample, stops the thread and returns the usage. */
  public synchronized Usage usage() {
    sample();
    return new Usage(cpuSecondsSoFar(), peakRssKb);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.interrupt();
      thread.join();
    }
  }
}
