package io.cinestream.generator;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a run's CPU went, by thread: the simulating (caller's) thread over the run, the sending
 * thread over its life, every other live Java thread over its life (for Kafka the producer's
 * network thread), and the rest of the process: the JVM's own threads (GC, JIT compilers), start-up
 * and threads that already ended. All values are user + system CPU time in ns, from {@link
 * ThreadMXBean} and the process total from {@code com.sun.management.OperatingSystemMXBean}.
 *
 * @param simulatingNanos the caller's thread during {@link Generator#run}
 * @param sendingNanos the hand-off's sending thread, -1 when unknown
 * @param otherThreadsNanos other live Java threads by name (digits replaced by {@code #}), summed
 * @param processNanos the whole process since JVM start, -1 when unknown
 */
public record CpuSplit(
    long simulatingNanos,
    long sendingNanos,
    Map<String, Long> otherThreadsNanos,
    long processNanos) {

  /**
   * Measures the other threads and the process now.
   *
   * @param simulatingNanos CPU of the caller's thread during the run, ns
   * @param sendingNanos CPU of the sending thread, ns, or -1
   * @return the split; threads of this JVM with less than 1 ms of CPU are left out
   */
  static CpuSplit measure(long simulatingNanos, long sendingNanos) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> others = new TreeMap<>();
    Thread current = Thread.currentThread();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t == current) {
        continue;
      }
      long ns = mx.getThreadCpuTime(t.getId());
      if (ns >= 1_000_000) {
        others.merge(t.getName().replaceAll("\\d+", "#"), ns, Long::sum);
      }
    }
    long process = -1;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      process = os.getProcessCpuTime();
    }
    return new CpuSplit(simulatingNanos, sendingNanos, others, process);
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
    return b.toString();
  }

  private static String format(double micros) {
    return String.format(Locale.ROOT, "%.2f", micros);
  }
}
