package io.cinestream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The arithmetic of a rate-limited (open-loop) run, apart from the processes it drives: consumer
 * lag from end offsets and an engine's position, the input rate a step really offered, and whether
 * a step kept up.
 *
 * <p>A step offers the generator's rate {@code R} (events per second over all topics, {@code
 * generator --realtime --rate R}) for a fixed time while lag is sampled once a second. The job only
 * reads some topics, so its input rate is measured, as the slope of the summed end offsets of its
 * topics. A step is <b>flat</b> when the lag's least-squares slope after a warm-up stays within a
 * tolerance of that input rate plus one observation period's worth of input spread over the judged
 * time ({@link #judge}): an engine's position is only seen once per period (Flink's gauges through
 * the REST metric fetcher, Spark's once per micro-batch), so over a short window a lag that is not
 * growing can still show a slope of up to one period of input. It is <b>producer-bound</b> when the
 * generator reached less than {@value #PRODUCER_BOUND_SHARE} of {@code R}, and then the ladder
 * stops: a flat step says only "at least this much".
 */
public final class OpenLoop {

  /** Below this share of its offered rate the generator, not the engine, set the pace. */
  public static final double PRODUCER_BOUND_SHARE = 0.95;

  private static final ObjectMapper JSON = new ObjectMapper();

  private OpenLoop() {}

  /**
   * Consumer lag: the sum over partitions of end offset minus position, a partition without a
   * position counting from 0 (the topics are created empty for each run).
   *
   * @param endOffsets next offset to be written per {@code topic-partition} key (e.g. {@code
   *     consumer_registration-1})
   * @param positions next offset the engine will read, same keys
   * @return records not yet read, at least 0 per partition
   */
  public static long lag(Map<String, Long> endOffsets, Map<String, Long> positions) {
    long lag = 0;
    for (Map.Entry<String, Long> e : endOffsets.entrySet()) {
      lag += Math.max(0, e.getValue() - positions.getOrDefault(e.getKey(), 0L));
    }
    return lag;
  }

  /**
   * The Kafka positions of a Structured Streaming query's last committed micro-batch, from its
   * checkpoint: the highest {@code N} with a {@code commits/N} file, then {@code offsets/N}, whose
   * lines after the version and the batch metadata are one JSON object per source, {@code
   * {"topic":{"0":offset,...}}} (Spark's {@code OffsetSeqLog} format, 3.x).
   *
   * @param queryCheckpoint the query's checkpoint directory
   * @return next offset to read per {@code topic-partition}; empty before the first commit
   * @throws UncheckedIOException when a file cannot be read
   * @throws IllegalArgumentException when an offsets file is not in that format
   */
  public static Map<String, Long> sparkCommittedPositions(Path queryCheckpoint) {
    Optional<Long> batch = lastBatch(queryCheckpoint.resolve("commits"));
    Map<String, Long> positions = new HashMap<>();
    if (batch.isEmpty()) {
      return positions;
    }
    Path offsets = queryCheckpoint.resolve("offsets").resolve(Long.toString(batch.get()));
    List<String> lines;
    try {
      lines = Files.readAllLines(offsets);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + offsets, e);
    }
    if (lines.size() < 3 || !lines.get(0).startsWith("v")) {
      throw new IllegalArgumentException(offsets + " is not a Spark offset log entry");
    }
    for (String line : lines.subList(2, lines.size())) {
      JsonNode source;
      try {
        source = JSON.readTree(line);
      } catch (IOException e) {
        throw new IllegalArgumentException(offsets + ": a source line is not JSON: " + line, e);
      }
      source
          .fields()
          .forEachRemaining(
              topic ->
                  topic
                      .getValue()
                      .fields()
                      .forEachRemaining(
                          p ->
                              positions.put(
                                  topic.getKey() + "-" + p.getKey(), p.getValue().asLong())));
    }
    return positions;
  }

  private static Optional<Long> lastBatch(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches("\\d+"))
          .map(Long::parseLong)
          .max(Long::compare);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /**
   * One lag sample.
   *
   * @param timeMs wall clock, epoch ms
   * @param endOffsetSum summed end offsets of the job's topics
   * @param lag records not yet read
   */
  public record Sample(long timeMs, long endOffsetSum, long lag) {}

  /**
   * The verdict on one step.
   *
   * @param offeredRate generator rate asked for, events/s over all topics
   * @param generatorRate what the generator reported reaching, events/s
   * @param inputRate the job's input rate, records/s (slope of its end offsets)
   * @param lagSlope least-squares slope of the lag after the warm-up, records/s
   * @param flat whether the lag stayed flat
   * @param producerBound whether the generator fell short of the offered rate
   * @param samples samples judged (after the warm-up)
   */
  public record Step(
      double offeredRate,
      double generatorRate,
      double inputRate,
      double lagSlope,
      boolean flat,
      boolean producerBound,
      int samples) {}

  /**
   * Judges a step: flat when the lag's slope is at most {@code tolerance * inputRate + inputRate *
   * observationPeriodMs / judgedMs}, the second term being one observation period of input spread
   * over the judged time.
   *
   * @param offeredRate generator rate asked for, events/s
   * @param generatorRate the rate the generator reported, events/s
   * @param samples the step's samples in time order
   * @param warmupFraction share of the first samples left out (the engine catching up to the step)
   * @param tolerance lag may grow by this share of the input rate and still count as flat
   * @param observationPeriodMs how stale an engine position can be, ms (e.g. 1000)
   * @return the verdict
   * @throws IllegalArgumentException when fewer than 3 samples remain after the warm-up
   */
  public static Step judge(
      double offeredRate,
      double generatorRate,
      List<Sample> samples,
      double warmupFraction,
      double tolerance,
      long observationPeriodMs) {
    int skip = (int) Math.floor(samples.size() * warmupFraction);
    List<Sample> judged = new ArrayList<>(samples.subList(skip, samples.size()));
    if (judged.size() < 3) {
      throw new IllegalArgumentException(
          "a step needs >= 3 samples after the warm-up, got " + judged.size());
    }
    long[] t = judged.stream().mapToLong(Sample::timeMs).toArray();
    long[] lag = judged.stream().mapToLong(Sample::lag).toArray();
    long[] end = judged.stream().mapToLong(Sample::endOffsetSum).toArray();
    double inputRate = LagTrend.slopePerSecond(t, end);
    double lagSlope = LagTrend.slopePerSecond(t, lag);
    double judgedMs = t[t.length - 1] - t[0];
    double allowance = tolerance + observationPeriodMs / judgedMs;
    return new Step(
        offeredRate,
        generatorRate,
        inputRate,
        lagSlope,
        LagTrend.isFlat(t, lag, inputRate, allowance),
        generatorRate < PRODUCER_BOUND_SHARE * offeredRate,
        judged.size());
  }

  /**
   * The sustainable input rate of a ladder: the input rate of the highest flat step, provided every
   * lower step was flat.
   *
   * @param steps in ascending offered rate
   * @return records/s, or 0 when the first step fell behind
   */
  public static double sustainableInputRate(List<Step> steps) {
    double best = 0;
    for (Step s : steps) {
      if (!s.flat()) {
        break;
      }
      best = s.inputRate();
    }
    return best;
  }
}
