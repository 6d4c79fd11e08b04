package io.cinestream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenLoopTest {

  @Test
  void lagSumsWhatIsLeftPerPartitionAndCountsUnreadPartitionsFromZero() {
    Map<String, Long> end = Map.of("a-0", 100L, "a-1", 50L, "b-0", 7L);
    // a-0: 100 - 60 = 40; a-1: never read = 50; b-0: position past end (a tick) counts 0
    Map<String, Long> pos = Map.of("a-0", 60L, "b-0", 9L);
    assertThat(OpenLoop.lag(end, pos)).isEqualTo(90);
  }

  @Test
  void sparkPositionsComeFromTheOffsetsOfTheLastCommittedBatch(@TempDir Path cp) throws Exception {
    Files.createDirectories(cp.resolve("offsets"));
    Files.createDirectories(cp.resolve("commits"));
    String meta = "{\"batchWatermarkMs\":0,\"batchTimestampMs\":1}";
    Files.writeString(
        cp.resolve("offsets/1"),
        "v1\n" + meta + "\n{\"sign_in\":{\"0\":10,\"1\":20},\"sign_out\":{\"0\":3}}\n");
    // batch 2 is planned but not committed: its offsets must not count
    Files.writeString(cp.resolve("offsets/2"), "v1\n" + meta + "\n{\"sign_in\":{\"0\":99}}\n");
    Files.writeString(cp.resolve("commits/0"), "v1\n{}\n");
    Files.writeString(cp.resolve("commits/1"), "v1\n{}\n");
    assertThat(OpenLoop.sparkCommittedPositions(cp))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("sign_in-0", 10L, "sign_in-1", 20L, "sign_out-0", 3L));
  }

  @Test
  void noCommitYetMeansNoPosition(@TempDir Path cp) {
    assertThat(OpenLoop.sparkCommittedPositions(cp)).isEmpty();
  }

  @Test
  void aForeignOffsetFileIsRejected(@TempDir Path cp) throws Exception {
    Files.createDirectories(cp.resolve("offsets"));
    Files.createDirectories(cp.resolve("commits"));
    Files.writeString(cp.resolve("offsets/0"), "hello\n");
    Files.writeString(cp.resolve("commits/0"), "v1\n{}\n");
    assertThatThrownBy(() -> OpenLoop.sparkCommittedPositions(cp))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a Spark offset log entry");
  }

  private static List<OpenLoop.Sample> samples(long inputPerSecond, long lagGrowthPerSecond) {
    List<OpenLoop.Sample> s = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      // the first two samples are a catch-up burst the warm-up must leave out
      long lag = i < 2 ? 5_000 : 100 + lagGrowthPerSecond * i;
      s.add(new OpenLoop.Sample(1_000L * i, inputPerSecond * i, lag));
    }
    return s;
  }

  @Test
  void aStepWhoseLagStaysWithinToleranceIsFlat() {
    // input 1,000 records/s over 7 judged seconds: allowance 5 % + 1 s / 7 s = 192.9/s; lag grows
    // 190/s
    OpenLoop.Step step = OpenLoop.judge(20_000, 19_800, samples(1_000, 190), 0.2, 0.05, 1000);
    assertThat(step.inputRate()).isCloseTo(1_000, within(1e-6));
    assertThat(step.lagSlope()).isCloseTo(190, within(1e-6));
    assertThat(step.flat()).isTrue();
    assertThat(step.producerBound()).isFalse(); // 19,800 >= 0.95 * 20,000
    assertThat(step.samples()).isEqualTo(8);
  }

  @Test
  void aStepWhoseLagGrowsFasterFallsBehindAndAShortGeneratorIsProducerBound() {
    // lag grows 195/s > 192.9/s: not flat; generator 18,000 < 0.95 * 20,000
    OpenLoop.Step step = OpenLoop.judge(20_000, 18_000, samples(1_000, 195), 0.2, 0.05, 1000);
    assertThat(step.flat()).isFalse();
    assertThat(step.producerBound()).isTrue();
  }

  @Test
  void sustainableIsTheHighestFlatInputRateBelowTheFirstFailure() {
    List<OpenLoop.Step> ladder =
        List.of(
            new OpenLoop.Step(10_000, 10_000, 500, 0, true, false, 10),
            new OpenLoop.Step(20_000, 20_000, 1_000, 5, true, false, 10),
            new OpenLoop.Step(40_000, 40_000, 2_000, 900, false, false, 10),
            new OpenLoop.Step(80_000, 80_000, 4_000, 0, true, false, 10));
    assertThat(OpenLoop.sustainableInputRate(ladder)).isEqualTo(1_000);
    assertThat(OpenLoop.sustainableInputRate(List.of(ladder.get(2)))).isZero();
  }
}
