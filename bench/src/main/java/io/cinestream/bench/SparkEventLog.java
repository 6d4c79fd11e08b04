package io.cinestream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

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
 *   <li>state: the summed {@code memoryUsedBytes} of the last progress's state operators.
 * </ul>
 *
 * @param firstJobMs first Spark job submission, epoch ms
 * @param lastJobMs last Spark job completion, epoch ms
 * @param watermarks per-batch watermark observations
 * @param stateBytes state store memory at the last batch, or null without stateful operators
 */
public record SparkEventLog(
    long firstJobMs, long lastJobMs, WatermarkTimeline watermarks, Long stateBytes) {

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
    return new SparkEventLog(first, last, wm, state);
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
