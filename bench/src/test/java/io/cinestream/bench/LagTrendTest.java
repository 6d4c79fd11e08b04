package io.cinestream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class LagTrendTest {

  @Test
  void slopeOfALinearlyGrowingLagIsItsRate() {
    // lag grows 500 events every 2 s: 250 events/s
    long[] t = {0, 2_000, 4_000, 6_000};
    long[] lag = {100, 600, 1_100, 1_600};
    assertThat(LagTrend.slopePerSecond(t, lag)).isCloseTo(250.0, within(1e-9));
    assertThat(LagTrend.isFlat(t, lag, 10_000, 0.02)).isFalse(); // 250 > 200
    assertThat(LagTrend.isFlat(t, lag, 20_000, 0.02)).isTrue(); // 250 <= 400
  }

  @Test
  void aSawToothAroundAConstantIsFlat() {
    // mean time 1500, mean lag 1000; cov = (-1500*-100 + -500*100 + 500*-100 + 1500*100) = 200000
    // var = 2*1500^2 + 2*500^2 = 5_000_000 -> 0.04 events/ms = 40 events/s
    long[] t = {0, 1_000, 2_000, 3_000};
    long[] lag = {900, 1_100, 900, 1_100};
    assertThat(LagTrend.slopePerSecond(t, lag)).isCloseTo(40.0, within(1e-9));
    assertThat(LagTrend.isFlat(t, lag, 5_000, 0.01)).isTrue(); // 40 <= 50
  }

  @Test
  void sustainableIsTheHighestFlatRateBelowTheFirstFailure() {
    List<LagTrend.Step> steps =
        List.of(
            new LagTrend.Step(10_000, true),
            new LagTrend.Step(20_000, true),
            new LagTrend.Step(40_000, false),
            new LagTrend.Step(80_000, true));
    assertThat(LagTrend.sustainable(steps)).isEqualTo(20_000);
    assertThat(LagTrend.sustainable(List.of(new LagTrend.Step(10_000, false)))).isZero();
  }
}
