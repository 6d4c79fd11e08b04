package io.cinestream.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLogTest {

  @Test
  void oneLinePerIntervalWithTheRateSinceThePreviousLine() {
    AtomicLong now = new AtomicLong(1_000_000);
    List<String> lines = new ArrayList<>();
    ProgressLog log = new ProgressLog(Duration.ofSeconds(10), now::get, lines::add);

    log.update(4096, 0); // starts the clock
    now.addAndGet(9_999);
    log.update(8192, 0); // 9.999 s: too early
    now.addAndGet(1);
    log.update(12288, 0); // 10 s after the first update: 8192 events / 10 s
    now.addAndGet(20_000);
    log.update(16384, 0); // 20 s later: 4096 events / 20 s

    assertThat(lines)
        .containsExactly(
            "generated 12288 events (819 events/s since the last line)",
            "generated 16384 events (205 events/s since the last line)");
  }

  @Test
  void theIntervalMustBePositive() {
    assertThatThrownBy(() -> new ProgressLog(Duration.ZERO, () -> 0, s -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
