package io.cinestream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CeilingConsumerTest {

  @Test
  void partitionsAreDealtRoundRobinToTheConsumers() {
    assertThat(CeilingConsumer.deal(List.of("a0", "a1", "a2", "b0", "b1"), 2))
        .containsExactly(List.of("a0", "a2", "b1"), List.of("a1", "b0"));
  }

  @Test
  void neverAnEmptyShareAndAtLeastOneConsumer() {
    assertThat(CeilingConsumer.deal(List.of("a0"), 2)).containsExactly(List.of("a0"));
    assertThatThrownBy(() -> CeilingConsumer.deal(List.of("a0"), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
