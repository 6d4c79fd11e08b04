package io.cinestream.generator;

import io.cinestream.generator.sim.SimulationStats;
import io.cinestream.schemas.Topic;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a run sent, per topic: distinct events, duplicates (identical resends), malformed records,
 * bytes (key + value); plus the wall time of the sending and the simulation's own counters.
 */
public final class Summary {

  /**
   * Counters of one topic.
   *
   * @param events distinct events
   * @param duplicates identical resends of events
   * @param malformed undecodable records
   * @param bytes key + value bytes of all three
   */
  public record TopicCounts(long events, long duplicates, long malformed, long bytes) {

    /** Every record sent: events + duplicates + malformed. */
    public long records() {
      return events + duplicates + malformed;
    }

    TopicCounts plus(TopicCounts o) {
      return new TopicCounts(
          events + o.events, duplicates + o.duplicates, malformed + o.malformed, bytes + o.bytes);
    }
  }

  private final long[] events = new long[Topic.values().length];
  private final long[] duplicates = new long[Topic.values().length];
  private final long[] malformed = new long[Topic.values().length];
  private final long[] bytes = new long[Topic.values().length];
  private long elapsedNanos;
  private long failures;
  private SimulationStats simulation;
  private CpuSplit cpu;

  void countEvent(Topic t, boolean duplicate, long recordBytes) {
    if (duplicate) {
      duplicates[t.ordinal()]++;
    } else {
      events[t.ordinal()]++;
    }
    bytes[t.ordinal()] += recordBytes;
  }

  void countMalformed(Topic t, long recordBytes) {
    malformed[t.ordinal()]++;
    bytes[t.ordinal()] += recordBytes;
  }

  void finish(long elapsedNanos, long failures, SimulationStats simulation) {
    this.elapsedNanos = elapsedNanos;
    this.failures = failures;
    this.simulation = simulation;
  }

  void cpu(CpuSplit split) {
    this.cpu = split;
  }

  /** Where the run's CPU went, or null when not measured (e.g. a summary built by hand). */
  public CpuSplit cpu() {
    return cpu;
  }

  /** Counters of every event topic, in {@link Topic} order (topics with nothing sent included). */
  public Map<Topic, TopicCounts> perTopic() {
    Map<Topic, TopicCounts> out = new EnumMap<>(Topic.class);
    for (Topic t : Topic.events()) {
      int i = t.ordinal();
      out.put(t, new TopicCounts(events[i], duplicates[i], malformed[i], bytes[i]));
    }
    return out;
  }

  /** Sum over all topics. */
  public TopicCounts total() {
    return perTopic().values().stream().reduce(new TopicCounts(0, 0, 0, 0), TopicCounts::plus);
  }

  /** Wall time from the first send to the end of the final flush, ns. */
  public long elapsedNanos() {
    return elapsedNanos;
  }

  /** Records the sink reported as not delivered. */
  public long failures() {
    return failures;
  }

  /** The simulation's counters, or null before the run finished. */
  public SimulationStats simulation() {
    return simulation;
  }

  /** Records per second of wall time (all records), 0 when nothing was timed. */
  public double recordsPerSecond() {
    return elapsedNanos == 0 ? 0 : total().records() * 1e9 / elapsedNanos;
  }

  /** MiB (2^20 bytes, key + value) per second of wall time. */
  public double mebibytesPerSecond() {
    return elapsedNanos == 0 ? 0 : total().bytes() * 1e9 / elapsedNanos / (1 << 20);
  }

  /** Mean key + value size of the records sent, bytes. */
  public double averageRecordBytes() {
    TopicCounts t = total();
    return t.records() == 0 ? 0 : (double) t.bytes() / t.records();
  }

  /**
   * The counts as one JSON object, what callers parse instead of {@link #toMarkdown()}'s table
   * (chaos cross-checks Kafka with it): {@code topics} (topic name to {@code events}, {@code
   * duplicates}, {@code malformed}, {@code records}, {@code bytes}), {@code total} (the same
   * fields), {@code failures} (records not delivered) and {@code elapsed_ms} (wall time of the
   * sending, whole ms).
   *
   * @return the JSON text, one line
   */
  public String toJson() {
    StringBuilder b = new StringBuilder("{\"topics\":{");
    String sep = "";
    for (Map.Entry<Topic, TopicCounts> e : perTopic().entrySet()) {
      b.append(sep).append('"').append(e.getKey().topicName()).append("\":");
      countsJson(b, e.getValue());
      sep = ",";
    }
    b.append("},\"total\":");
    countsJson(b, total());
    b.append(",\"failures\":").append(failures);
    b.append(",\"elapsed_ms\":").append(elapsedNanos / 1_000_000).append('}');
    return b.toString();
  }

  private static void countsJson(StringBuilder b, TopicCounts c) {
    b.append(
        String.format(
            Locale.ROOT,
            "{\"events\":%d,\"duplicates\":%d,\"malformed\":%d,\"records\":%d,\"bytes\":%d}",
            c.events(),
            c.duplicates(),
            c.malformed(),
            c.records(),
            c.bytes()));
  }

  /**
   * The summary as Markdown: a table with one row per event topic and a total row, then a line of
   * rates, a line of simulation counters and, when measured, a line of CPU per record by thread
   * ({@link CpuSplit#perRecordLine}). Locale-independent.
   */
  public String toMarkdown() {
    StringBuilder b = new StringBuilder();
    b.append("| topic | events | duplicates | malformed | records | bytes |\n");
    b.append("|---|---:|---:|---:|---:|---:|\n");
    perTopic().forEach((t, c) -> row(b, t.topicName(), c));
    row(b, "**total**", total());
    b.append(
        String.format(
            Locale.ROOT,
            "%n%d records in %.3f s: %.0f records/s, %.2f MiB/s, %.1f bytes/record (key + value),"
                + " %d failed%n",
            total().records(),
            elapsedNanos / 1e9,
            recordsPerSecond(),
            mebibytesPerSecond(),
            averageRecordBytes(),
            failures));
    if (simulation != null) {
      b.append(
          String.format(
              Locale.ROOT,
              "users registered %d, sessions %d (without sign_out %d, cut by the window end %d),"
                  + " orphan sign_outs %d, checkouts %d, sessions ending with an abandoned cart %d,"
                  + " ratings %d%n",
              simulation.registrations(),
              simulation.sessions(),
              simulation.sessionsWithoutSignOut(),
              simulation.sessionsCutByWindowEnd(),
              simulation.orphanSignOuts(),
              simulation.checkouts(),
              simulation.abandonedCartSessions(),
              simulation.ratings()));
    }
    if (cpu != null) {
      b.append(cpu.perRecordLine(total().records())).append('\n');
    }
    return b.toString();
  }

  private static void row(StringBuilder b, String name, TopicCounts c) {
    b.append(
        String.format(
            Locale.ROOT,
            "| %s | %d | %d | %d | %d | %d |%n",
            name,
            c.events(),
            c.duplicates(),
            c.malformed(),
            c.records(),
            c.bytes()));
  }
}
