package io.cinestream.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;

/**
 * The Kafka positions of the Spark streaming queries, read from their checkpoints: Spark's Kafka
 * source commits no consumer-group offsets, its position is the offset log of its checkpoint
 * (docs/operations.md#dashboard). A query's position is the end offsets of its newest batch that
 * has a commit file, i.e. what it has fully processed and written.
 *
 * <p>A checkpoint is a folder with {@code offsets/} and {@code commits/}; {@code offsets/<batch>}
 * holds {@code v1}, a metadata line, then one line per source: {@code {"topic":{"0":123}}}.
 */
public final class SparkCheckpoints {

  /** The group label prefix of a Spark query's positions in {@link ConsumerLag.Lag}. */
  public static final String GROUP_PREFIX = "spark:";

  private static final ObjectMapper JSON = new ObjectMapper();

  private SparkCheckpoints() {}

  /**
   * The position of every query checkpoint under {@code root} (at most three folders deep).
   *
   * @param root e.g. {@code $CINESTREAM_HOME/checkpoints}; a missing folder gives no positions
   * @return {@code spark:<checkpoint path relative to root>} (e.g. {@code
   *     spark:spark-metrics/session-metrics}) to the next offset to read per partition, by group;
   *     checkpoints without a committed batch are left out
   * @throws UncheckedIOException when a folder or an offset file cannot be read
   * @throws IllegalArgumentException when an offset file is not Spark's format
   */
  public static Map<String, Map<TopicPartition, Long>> positions(Path root) {
    Map<String, Map<TopicPartition, Long>> out = new TreeMap<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> dirs = Files.walk(root, 3)) {
      for (Path dir : dirs.filter(SparkCheckpoints::isCheckpoint).sorted().toList()) {
        OptionalLong batch = newestBatch(dir.resolve("commits"));
        if (batch.isEmpty() || !Files.isRegularFile(dir.resolve("offsets/" + batch.getAsLong()))) {
          continue;
        }
        String group =
            GROUP_PREFIX
                + root.relativize(dir).toString().replace(dir.getFileSystem().getSeparator(), "/");
        out.put(group, offsets(Files.readAllLines(dir.resolve("offsets/" + batch.getAsLong()))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * The Kafka offsets of one offset-log file.
   *
   * @param lines the file's lines: {@code v1}, the batch metadata, then one line per source
   * @return the next offset to read per topic partition (sources that are not Kafka are skipped)
   * @throws IllegalArgumentException when the first line is not Spark's version marker
   */
  static Map<TopicPartition, Long> offsets(List<String> lines) throws IOException {
    if (lines.isEmpty() || !lines.get(0).startsWith("v")) {
      throw new IllegalArgumentException("not a Spark offset log file: " + lines);
    }
    Map<TopicPartition, Long> out = new HashMap<>();
    for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
      if (!line.startsWith("{")) {
        continue; // "-": a source without an offset in this batch
      }
      JsonNode source = JSON.readTree(line);
      source
          .fields()
          .forEachRemaining(
              topic ->
                  topic
                      .getValue()
                      .fields()
                      .forEachRemaining(
                          p ->
                              out.put(
                                  new TopicPartition(topic.getKey(), Integer.parseInt(p.getKey())),
                                  p.getValue().asLong())));
    }
    return out;
  }

  private static boolean isCheckpoint(Path dir) {
    return Files.isDirectory(dir.resolve("offsets")) && Files.isDirectory(dir.resolve("commits"));
  }

  private static OptionalLong newestBatch(Path commits) throws IOException {
    try (Stream<Path> files = Files.list(commits)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(name -> name.matches("\\d+"))
          .mapToLong(Long::parseLong)
          .max();
    }
  }
}
