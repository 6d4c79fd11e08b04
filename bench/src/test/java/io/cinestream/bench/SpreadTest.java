package io.cinestream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpreadTest {

  @Test
  void medianOfThreeIsTheMiddleOneWhateverTheOrder() {
    Spread s = Spread.of(List.of(21_825.0, 14_443.0, 18_002.0));
    assertThat(s).isEqualTo(new Spread(18_002.0, 14_443.0, 21_825.0, 3));
    assertThat(s.format(0)).isEqualTo("18002 (14443-21825)");
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    // sorted 1, 2, 4, 10 -> (2 + 4) / 2 = 3
    assertThat(Spread.of(List.of(10.0, 1.0, 4.0, 2.0)).median()).isEqualTo(3.0);
  }

  @Test
  void oneValueIsItsOwnSpreadAndPrintsAlone() {
    Spread s = Spread.of(List.of(1.25));
    assertThat(s).isEqualTo(new Spread(1.25, 1.25, 1.25, 1));
    assertThat(s.format(1)).isEqualTo("1.3");
  }

  @Test
  void noValueOrANonFiniteOneIsAnError() {
    assertThatThrownBy(() -> Spread.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no values to take the median of");
    assertThatThrownBy(() -> Spread.of(List.of(1.0, Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a finite value: NaN");
  }
}
