package io.cinestream.generator.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class RandomStreamsTest {

  @Test
  void uuidsAreVersionFourAndRepeatWithTheSeed() {
    RandomStreams a = new RandomStreams(42);
    RandomStreams b = new RandomStreams(42);
    for (int i = 0; i < 1000; i++) {
      UUID u = a.nextUuid();
      assertThat(u.version()).isEqualTo(4);
      assertThat(u.variant()).isEqualTo(2);
      assertThat(b.nextUuid()).isEqualTo(u);
    }
    assertThat(new RandomStreams(43).nextUuid()).isNotEqualTo(new RandomStreams(42).nextUuid());
  }
}
