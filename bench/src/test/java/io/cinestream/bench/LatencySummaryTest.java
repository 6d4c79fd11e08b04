package io.cinestream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {

  private static final List<Long> ONE_TO_HUNDRED = LongStream.rangeClosed(1, 100).boxed().toList();

  @Test
  void percentilesOfOneToHundredWithoutWarmup() {
    // nearest rank ceil(p * n): p50 = 50th value, p99 = 99th, p99.9 = rank ceil(99.9) = 100th
    assertThat(LatencySummary.of(ONE_TO_HUNDRED, 0))
        .isEqualTo(new LatencySummary(100, 50, 99, 100, 100));
  }

  @Test
  void warmupDropsTheFirstWindowsInClosingOrder() {
    // 10 % of 100 dropped -> 11..100 (90 values): p50 = rank 45 = 55, p99 = rank ceil(89.1) = 90
    // -> 100, p99.9 = rank ceil(89.91) = 90 -> 100
    assertThat(LatencySummary.of(ONE_TO_HUNDRED, 0.1))
        .isEqualTo(new LatencySummary(90, 55, 100, 100, 100));
  }

  @Test
  void nothingLeftGivesNull() {
    assertThat(LatencySummary.of(List.of(), 0.1)).isNull();
    assertThat(LatencySummary.of(List.of(7L), 0.5)).isNull(); // ceil(0.5) = 1 dropped
  }

  @Test
  void rejectsNegativeLatenciesAndBadFractions() {
    assertThatThrownBy(() -> LatencySummary.of(List.of(-1L), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LatencySummary.of(List.of(1L), 1.0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
