package io.cinestream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cinestream.bench.SteadyState.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class SteadyStateTest {

  // A source counter of a run with 1,000 input records, sampled every second from t = 10 s.
  private static final List<Sample> COUNTER =
      List.of(
          new Sample(10_000, 0),
          new Sample(11_000, 40),
          new Sample(12_000, 150),
          new Sample(13_000, 350),
          new Sample(14_000, 550),
          new Sample(15_000, 750),
          new Sample(16_000, 880),
          new Sample(17_000, 960),
          new Sample(18_000, 1000));

  @Test
  void windowRunsFromTheFirstSampleAtTenPercentToTheLastAtNinetyPercent() {
    // first sample >= 100 records: t = 12 s (150); last sample <= 900: t = 16 s (880)
    SteadyState.Window w = SteadyState.of(COUNTER, 1000, 0.1, 0.9);
    assertThat(w).isEqualTo(new SteadyState.Window(12_000, 16_000, 150, 880));
    assertThat(w.seconds()).isEqualTo(4.0);
    // (880 - 150) / 4 s = 182.5 records/s
    assertThat(w.rate()).isEqualTo(182.5);
  }

  @Test
  void aSingleBatchHasNoSteadyState() {
    List<Sample> oneBatch = List.of(new Sample(0, 0), new Sample(5_000, 1000));
    assertThatThrownBy(() -> SteadyState.of(oneBatch, 1000, 0.1, 0.9))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "no steady-state window: 2 samples of a counter ending at 1000 have no two at"
                + " different times between 10 % and 90 % of it");
  }

  @Test
  void sharesOutOfOrderAreRefused() {
    assertThatThrownBy(() -> SteadyState.of(COUNTER, 1000, 0.9, 0.1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void valueAtInterpolatesBetweenSamplesAndHoldsOutsideThem() {
    List<Sample> cpu = List.of(new Sample(1_000, 2.0), new Sample(3_000, 6.0));
    // a quarter of the way from 1 s to 3 s: 2 + 0.25 * 4 = 3
    assertThat(SteadyState.valueAt(cpu, 1_500)).isCloseTo(3.0, within(1e-12));
    assertThat(SteadyState.valueAt(cpu, 500)).isEqualTo(2.0);
    assertThat(SteadyState.valueAt(cpu, 9_000)).isEqualTo(6.0);
    assertThat(SteadyState.valueAt(cpu, 3_000)).isEqualTo(6.0);
  }
}
