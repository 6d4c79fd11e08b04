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

    now.addAndGet(9_999);
    log.update(4096, 0); // 9.999 s after the start: too early
    now.addAndGet(1);
    log.update(8192, 0); // 10 s after the start: 8192 events / 10 s
    now.addAndGet(5_000);
    log.update(12288, 0); // 5 s later: too early
    now.addAndGet(15_000);
    log.update(16384, 0); // 20 s after the first line: 8192 events / 20 s

    assertThat(lines)
        .containsExactly(
            "generated 8192 events (819 events/s since the last line)",
            "generated 16384 events (410 events/s since the last line)");
  }

  @Test
  void flushWritesTheNewestUpdateOnce() {
    AtomicLong now = new AtomicLong(0);
    List<String> lines = new ArrayList<>();
    ProgressLog log = new ProgressLog(Duration.ofSeconds(10), now::get, lines::add);

    now.addAndGet(2_000);
    log.update(1000, 0); // too early for a line
    log.flush(); // 1000 events / 2 s
    log.flush(); // nothing new

    assertThat(lines).containsExactly("generated 1000 events (500 events/s since the last line)");
  }

  @Test
  void theIntervalMustBePositive() {
    assertThatThrownBy(() -> new ProgressLog(Duration.ZERO, () -> 0, s -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
