package io.cinestream.generator;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a run's CPU went, by thread: the simulating (caller's) thread over the run and before it
 * (set-up: catalogue, population, class loading), the sending thread over its life, every other
 * live Java thread over its life (for Kafka the producer's network thread), and the rest of the
 * process: the JVM's own threads (GC, JIT compilers), JVM start and threads that already ended. CPU
 * values are user + system time in ns, from {@link ThreadMXBean} and the process total from {@code
 * com.sun.management.OperatingSystemMXBean}. Two wall-clock figures from the JVM help read the
 * rest: the JIT's total compilation time ({@code CompilationMXBean}; compiler threads are
 * CPU-bound, so it approximates their CPU) and the collectors' total pause time.
 *
 * @param simulatingNanos the caller's thread during {@link Generator#run}
 * @param setUpNanos the caller's thread before the run (its total CPU minus the run's), -1 when
 *     unknown
 * @param sendingNanos the hand-off's sending thread, -1 when unknown
 * @param otherThreadsNanos other live Java threads by name (digits replaced by {@code #}), summed
 * @param processNanos the whole process since JVM start, -1 when unknown
 * @param jitMillis total JIT compilation time since JVM start, ms (wall), -1 when unknown
 * @param gcMillis total collection time since JVM start, ms (wall), summed over collectors
 */
public record CpuSplit(
    long simulatingNanos,
    long setUpNanos,
    long sendingNanos,
    Map<String, Long> otherThreadsNanos,
    long processNanos,
    long jitMillis,
    long gcMillis) {

  /**
   * Measures the other threads and the process now.
   *
   * @param simulatingNanos CPU of the caller's thread during the run, ns
   * @param sendingNanos CPU of the sending thread, ns, or -1
   * @return the split; other threads with less than 10 ms of CPU are left out
   */
  static CpuSplit measure(long simulatingNanos, long sendingNanos) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long callerTotal = mx.getCurrentThreadCpuTime();
    long setUp = callerTotal >= simulatingNanos ? callerTotal - simulatingNanos : -1;
    Map<String, Long> others = new TreeMap<>();
    Thread current = Thread.currentThread();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t == current) {
        continue;
      }
      long ns = mx.getThreadCpuTime(t.getId());
      if (ns >= 10_000_000) {
        others.merge(t.getName().replaceAll("\\d+", "#"), ns, Long::sum);
      }
    }
    long process = -1;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      process = os.getProcessCpuTime();
    }
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long jitMillis =
        jit != null && jit.isCompilationTimeMonitoringSupported()
            ? jit.getTotalCompilationTime()
            : -1;
    long gcMillis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    return new CpuSplit(simulatingNanos, setUp, sendingNanos, others, process, jitMillis, gcMillis);
  }

  /**
   * One line of CPU microseconds per record: each part, the rest of the process and the total.
   *
   * @param records records sent, positive
   * @return e.g. {@code CPU µs per record: simulating thread 0.70, sending thread 1.20, ...}
   */
  public String perRecordLine(long records) {
    double n = Math.max(1, records) * 1000.0; // ns / (records * 1000) = µs per record
    StringBuilder b = new StringBuilder("CPU µs per record: simulating thread ");
    b.append(format(simulatingNanos / n));
    long known = simulatingNanos;
    if (setUpNanos >= 0) {
      b.append(", set-up on that thread ").append(format(setUpNanos / n));
      known += setUpNanos;
    }
    if (sendingNanos >= 0) {
      b.append(", sending thread ").append(format(sendingNanos / n));
      known += sendingNanos;
    }
    for (Map.Entry<String, Long> e : otherThreadsNanos.entrySet()) {
      b.append(", ").append(e.getKey()).append(' ').append(format(e.getValue() / n));
      known += e.getValue();
    }
    if (processNanos >= 0) {
      b.append(", rest of the JVM (GC, JIT, start-up) ")
          .append(format((processNanos - known) / n))
          .append(", process ")
          .append(format(processNanos / n));
    }
    if (jitMillis >= 0) {
      b.append("; JIT compilation ").append(format(jitMillis * 1e6 / n)).append(" (wall)");
    }
    b.append("; GC pauses ").append(format(gcMillis * 1e6 / n)).append(" (wall)");
    return b.toString();
  }

  private static String format(double micros) {
    return String.format(Locale.ROOT, "%.2f", micros);
  }
}
