package io.cinestream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark checkpoints laid out as Spark 3.5 writes them (offsets/N, commits/N, .crc files). */
class SparkCheckpointsTest {

  private static final String META =
      "{\"batchWatermarkMs\":0,\"batchTimestampMs\":1796456642911,\"conf\":{}}";

  private static void write(Path file, String... lines) throws Exception {
    Files.createDirectories(file.getParent());
    Files.write(file, List.of(lines));
  }

  @Test
  void thePositionIsTheNewestCommittedBatchsEndOffsets(@TempDir Path root) throws Exception {
    Path sessions = root.resolve("spark-metrics/session-metrics");
    write(sessions.resolve("offsets/0"), "v1", META, "{\"sign_in\":{\"0\":3,\"1\":4}}");
    write(
        sessions.resolve("offsets/1"),
        "v1",
        META,
        "{\"sign_in\":{\"1\":9,\"0\":7},\"sign_out\":{\"0\":2}}");
    write(sessions.resolve("offsets/2"), "v1", META, "{\"sign_in\":{\"0\":99,\"1\":99}}");
    // Batches 0 and 1 committed, 2 still running: the position is batch 1's.
    write(sessions.resolve("commits/0"), "v1", "{\"nextBatchWatermarkMs\":0}");
    write(sessions.resolve("commits/1"), "v1", "{\"nextBatchWatermarkMs\":0}");
    write(sessions.resolve("commits/.1.crc"), "x");
    // A query with an offset log but no commit yet has no position.
    Path loader = root.resolve("raw-loader/postgres");
    write(loader.resolve("offsets/0"), "v1", META, "{\"sign_in\":{\"0\":1}}");
    Files.createDirectories(loader.resolve("commits"));

    assertThat(SparkCheckpoints.positions(root))
        .containsExactly(
            Map.entry(
                "spark:spark-metrics/session-metrics",
                Map.of(
                    new TopicPartition("sign_in", 0), 7L,
                    new TopicPartition("sign_in", 1), 9L,
                    new TopicPartition("sign_out", 0), 2L)));
  }

  @Test
  void aMissingFolderHasNoPositions(@TempDir Path root) {
    assertThat(SparkCheckpoints.positions(root.resolve("none"))).isEmpty();
  }

  @Test
  void aSourceWithoutOffsetsIsSkippedAndAForeignFileRefused() throws Exception {
    assertThat(SparkCheckpoints.offsets(List.of("v1", META, "-", "{\"t\":{\"0\":5}}")))
        .isEqualTo(Map.of(new TopicPartition("t", 0), 5L));
    assertThatThrownBy(() -> SparkCheckpoints.offsets(List.of("{\"t\":{\"0\":5}}")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
