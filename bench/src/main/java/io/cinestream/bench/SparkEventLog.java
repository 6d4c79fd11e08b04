package io.cinestream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the harness reads from a Spark event log ({@code spark.eventLog.enabled}, one JSON event per
 * line): the processing span and the watermark of each Structured Streaming micro-batch.
 *
 * <ul>
 *   <li>span: the first {@code SparkListenerJobStart} "Submission Time" to the last {@code
 *       SparkListenerJobEnd} "Completion Time" (Spark jobs only run once the session is up and the
 *       query started, so JVM and session start-up are outside it);
 *   <li>watermarks: each {@code QueryProgressEvent}'s {@code progress.eventTime.watermark} is the
 *       watermark that batch used to close windows, observed at the batch's start {@code
 *       progress.timestamp};
 *   <li>state: the summed {@code memoryUsedBytes} of the last progress's state operators;
 *   <li>phases: the micro-batches' {@code progress.durationMs} summed over all batches: {@code
 *       triggerExecution} (a batch end to end) split into {@code addBatch} (running the batch's
 *       Spark jobs, sink included), {@code queryPlanning}, {@code latestOffset} + {@code getBatch}
 *       (asking Kafka for offsets) and {@code walCommit} + {@code commitOffsets} (checkpoint
 *       writes), in words.
 * </ul>
 *
 * @param firstJobMs first Spark job submission, epoch ms
 * @param lastJobMs last Spark job completion, epoch ms
 * @param watermarks per-batch watermark observations
 * @param stateBytes state store memory at the last batch, or null without stateful operators
 * @param phases the summed batch durations in words, or null when the log has no progress event
 * @param input the query's input counter: 0 at the first batch's start, then the summed {@code
 *     numInputRows} at each batch's end ({@code progress.timestamp} + {@code
 *     durationMs.triggerExecution}), for {@link SteadyState} (a batch's rows count at its end, so
 *     the rate over whole batches is Spark's {@code processedRowsPerSecond} over those batches)
 * @param checkpointMs the batches' summed {@code walCommit + commitOffsets}, ms
 * @param batches micro-batches (progress events)
 */
public record SparkEventLog(
    long firstJobMs,
    long lastJobMs,
    WatermarkTimeline watermarks,
    Long stateBytes,
    String phases,
    List<SteadyState.Sample> input,
    long checkpointMs,
    int batches) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROGRESS =
      "org.apache.spark.sql.streaming.StreamingQueryListener$QueryProgressEvent";

  /**
   * Parses the lines of one application's event log.
   *
   * @throws IllegalArgumentException when a line is not JSON or the log has no Spark job
   */
  public static SparkEventLog parse(List<String> lines) {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    WatermarkTimeline wm = new WatermarkTimeline();
    Long state = null;
    int n = 0;
    int batches = 0;
    int withInput = 0;
    Map<String, Long> durations = new HashMap<>();
    List<SteadyState.Sample> counter = new ArrayList<>();
    double rows = 0;
    for (String line : lines) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode e;
      try {
        e = JSON.readTree(line);
      } catch (IOException ex) {
        throw new IllegalArgumentException(
            "event log line " + n + " is not JSON: " + ex.getMessage());
      }
      switch (e.path("Event").asText()) {
        case "SparkListenerJobStart" -> first = Math.min(first, e.path("Submission Time").asLong());
        case "SparkListenerJobEnd" -> last = Math.max(last, e.path("Completion Time").asLong());
        case PROGRESS -> {
          JsonNode p = e.path("progress");
          batches++;
          // The event log carries the progress's fields, not its derived numInputRows.
          long input = 0;
          for (JsonNode source : p.path("sources")) {
            input += source.path("numInputRows").asLong();
          }
          if (input > 0) {
            withInput++;
          }
          long batchStart = Instant.parse(p.path("timestamp").asText()).toEpochMilli();
          if (counter.isEmpty()) {
            counter.add(new SteadyState.Sample(batchStart, 0));
          }
          rows += input;
          counter.add(
              new SteadyState.Sample(
                  batchStart + p.path("durationMs").path("triggerExecution").asLong(), rows));
          p.path("durationMs")
              .fields()
              .forEachRemaining(d -> durations.merge(d.getKey(), d.getValue().asLong(), Long::sum));
          JsonNode w = p.path("eventTime").path("watermark");
          if (!w.isMissingNode()) {
            wm.observe(
                Instant.parse(p.path("timestamp").asText()).toEpochMilli(),
                Instant.parse(w.asText()).toEpochMilli());
          }
          if (p.path("stateOperators").size() > 0) {
            long sum = 0;
            for (JsonNode op : p.path("stateOperators")) {
              sum += op.path("memoryUsedBytes").asLong();
            }
            state = sum;
          }
        }
        default -> {}
      }
    }
    if (first == Long.MAX_VALUE || last == Long.MIN_VALUE) {
      throw new IllegalArgumentException("the event log has no completed Spark job");
    }
    return new SparkEventLog(
        first,
        last,
        wm,
        state,
        batches == 0 ? null : phases(batches, withInput, durations),
        List.copyOf(counter),
        durations.getOrDefault("walCommit", 0L) + durations.getOrDefault("commitOffsets", 0L),
        batches);
  }

  private static String phases(int batches, int withInput, Map<String, Long> d) {
    return String.format(
        Locale.ROOT,
        "%d micro-batches (%d with input), %.1f s in batches: running them %.1f s, planning %.1f s,"
            + " Kafka offsets %.1f s, checkpoint writes %.1f s",
        batches,
        withInput,
        d.getOrDefault("triggerExecution", 0L) / 1000.0,
        d.getOrDefault("addBatch", 0L) / 1000.0,
        d.getOrDefault("queryPlanning", 0L) / 1000.0,
        (d.getOrDefault("latestOffset", 0L) + d.getOrDefault("getBatch", 0L)) / 1000.0,
        (d.getOrDefault("walCommit", 0L) + d.getOrDefault("commitOffsets", 0L)) / 1000.0);
  }

  /** Reads and parses a log file. */
  public static SparkEventLog read(java.nio.file.Path file) {
    try {
      return parse(java.nio.file.Files.readAllLines(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Spark event log " + file, e);
    }
  }
}
