package io.cinestream.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandOffTest {

  @Test
  void passesEveryItemInOrderThroughARingMuchSmallerThanTheStream() {
    List<Integer> seen = new ArrayList<>();
    List<String> threads = new ArrayList<>();
    int n = 200_000;
    try (HandOff<Integer> h =
        new HandOff<>(
            8,
            i -> {
              seen.add(i);
              if (i == 0) {
                threads.add(Thread.currentThread().getName());
              }
            },
            "test-consumer")) {
      for (int i = 0; i < n; i++) {
        h.put(i);
      }
      h.drain();
      // drain returned: the consumer has handled everything, so reading its list is safe here.
      assertThat(seen).hasSize(n);
      for (int i = 0; i < n; i++) {
        assertThat(seen.get(i)).isEqualTo(i);
      }
      assertThat(threads).containsExactly("test-consumer");
      h.put(-1);
    }
    // close drains too.
    assertThat(seen).hasSize(n + 1).endsWith(-1);
  }

  @Test
  void aFailingConsumersExceptionIsRethrownOnTheProducingThread() {
    IllegalArgumentException boom = new IllegalArgumentException("no metadata for topic x");
    HandOff<Integer> h =
        new HandOff<>(
            4,
            i -> {
              if (i == 5) {
                throw boom;
              }
            },
            "test-consumer");
    for (int i = 0; i <= 5; i++) {
      h.put(i);
    }

    assertThatThrownBy(h::drain).isSameAs(boom);
    assertThatThrownBy(() -> h.put(6)).isSameAs(boom);
    h.close(); // reported by drain and put, not again by close
  }

  @Test
  void aClosedHandOffTakesNoMoreItems() {
    HandOff<Integer> h = new HandOff<>(4, i -> {}, "test-consumer");
    h.close();
    h.close(); // a second close does nothing

    assertThatThrownBy(() -> h.put(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void rejectsACapacityThatIsNotAPowerOfTwo() {
    assertThatThrownBy(() -> new HandOff<Integer>(6, i -> {}, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("power of two");
    assertThatThrownBy(() -> new HandOff<Integer>(1, i -> {}, "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
