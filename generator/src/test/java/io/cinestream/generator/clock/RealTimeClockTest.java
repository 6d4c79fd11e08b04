package io.cinestream.generator.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RealTimeClockTest {

  private long nanos = 1_000_000_000L;
  private long wall = 1_767_571_200_000L;
  private final List<Long> sleeps = new ArrayList<>();

  private RealTimeClock clock(double rate) {
    return new RealTimeClock(
        rate,
        () -> wall,
        () -> nanos,
        n -> {
          sleeps.add(n);
          nanos += n;
          wall += n / 1_000_000;
        });
  }

  @Test
  void pacesEventsAtTheRateAndStampsThemWithTheWallClock() throws Exception {
    RealTimeClock c = clock(10);

    long first = c.eventTime(0);
    long second = c.eventTime(0);
    nanos += 250_000_000L; // the caller was slow: 250 ms pass before the third event
    wall += 250;
    long third = c.eventTime(0);
    long fourth = c.eventTime(0);
    long fifth = c.eventTime(0);

    assertThat(c.startMillis()).isEqualTo(1_767_571_200_000L);
    // Event i is due i * 100 ms after the first. At +350 ms events 2 (due +200) and 3 (due +300)
    // go at once, catching up; event 4 (due +400) waits 50 ms.
    assertThat(sleeps).containsExactly(100_000_000L, 50_000_000L);
    assertThat(first).isEqualTo(1_767_571_200_000L);
    assertThat(second).isEqualTo(1_767_571_200_100L);
    assertThat(third).isEqualTo(1_767_571_200_350L);
    assertThat(fourth).isEqualTo(1_767_571_200_350L);
    assertThat(fifth).isEqualTo(1_767_571_200_400L);
  }

  @Test
  void stampsNeverGoBackWhenTheWallClockSteps() throws Exception {
    RealTimeClock c = clock(1000);
    long first = c.eventTime(0);
    wall -= 5_000;

    assertThat(c.eventTime(0)).isEqualTo(first);
  }

  @Test
  void simulatedClockReturnsTheScheduledTime() {
    SimulatedClock c = new SimulatedClock(5);
    assertThat(c.startMillis()).isEqualTo(5);
    assertThat(c.eventTime(123)).isEqualTo(123);
  }

  @Test
  void rateMustBePositive() {
    assertThatThrownBy(() -> clock(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
