package io.cinestream.flink.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RegistrationWindowsTest {

  private static final long MIN = 60_000L;
  private static final long HOUR = 60 * MIN;

  private static long at(String utc) {
    return Instant.parse(utc).toEpochMilli();
  }

  @Test
  void anEventAt1020LiesInTheTenOClockHourAndTheFourSlidingWindowsStarting0915To1000() {
    long slot = RegistrationWindows.slotOf(at("2026-11-20T10:20:00Z"));

    assertThat(slot * RegistrationWindows.SLOT_MS).isEqualTo(at("2026-11-20T10:15:00Z"));
    assertThat(RegistrationWindows.newWindows(slot, new long[0]))
        .isEqualTo(RegistrationWindows.ALL);
    assertThat(RegistrationWindows.windowStartMs(slot, RegistrationWindows.TUMBLING))
        .isEqualTo(at("2026-11-20T10:00:00Z"));
    assertThat(RegistrationWindows.windowStartMs(slot, 1)).isEqualTo(at("2026-11-20T09:30:00Z"));
    assertThat(RegistrationWindows.windowStartMs(slot, 2)).isEqualTo(at("2026-11-20T09:45:00Z"));
    assertThat(RegistrationWindows.windowStartMs(slot, 3)).isEqualTo(at("2026-11-20T10:00:00Z"));
    assertThat(RegistrationWindows.windowStartMs(slot, 4)).isEqualTo(at("2026-11-20T10:15:00Z"));
    assertThat(RegistrationWindows.lastWindowEndMs(slot)).isEqualTo(at("2026-11-20T11:15:00Z") - 1);
  }

  @Test
  void aSecondRegistrationAt1050IsNewOnlyInTheSlidingWindowsStarting1030And1045() {
    long first = RegistrationWindows.slotOf(at("2026-11-20T10:20:00Z"));
    long second = RegistrationWindows.slotOf(at("2026-11-20T10:50:00Z"));

    // Slot 10:45's windows: the 10:00 hour (bit 0) and the sliding windows starting 10:00, 10:15,
    // 10:30, 10:45 (bits 1..4). 10:20 lies in the hour and in the sliding windows starting 10:00
    // and
    // 10:15, so only bits 3 and 4 are new.
    assertThat(RegistrationWindows.newWindows(second, new long[] {first})).isEqualTo(0b11000);
    assertThat(RegistrationWindows.newWindows(first, new long[] {first})).isZero();
  }

  @Test
  void agreesWithADirectCheckOfEveryWindowAgainstEveryEarlierRegistration() {
    SplittableRandom random = new SplittableRandom(20261124L);
    long base = at("2026-11-20T00:00:00Z");
    for (int trial = 0; trial < 5_000; trial++) {
      List<Long> earlier = new ArrayList<>();
      int n = random.nextInt(4);
      for (int i = 0; i < n; i++) {
        earlier.add(base + random.nextLong(4 * HOUR));
      }
      long t = base + random.nextLong(4 * HOUR);
      long[] seen = earlier.stream().mapToLong(RegistrationWindows::slotOf).toArray();
      long slot = RegistrationWindows.slotOf(t);

      int expected = 0;
      long hourStart = t - Math.floorMod(t, HOUR);
      if (earlier.stream().noneMatch(e -> hourStart <= e && e < hourStart + HOUR)) {
        expected |= 1;
      }
      // Sliding windows holding t: [s, s + 1h) with s a multiple of 15 min in (t - 1h, t].
      long lastStart = t - Math.floorMod(t, 15 * MIN);
      for (int i = 0; i < 4; i++) {
        long s = lastStart - (3 - i) * 15 * MIN;
        assertThat(s <= t && t < s + HOUR).isTrue();
        if (earlier.stream().noneMatch(e -> s <= e && e < s + HOUR)) {
          expected |= 1 << (1 + i);
        }
        assertThat(RegistrationWindows.windowStartMs(slot, 1 + i)).isEqualTo(s);
      }
      assertThat(RegistrationWindows.windowStartMs(slot, 0)).isEqualTo(hourStart);
      assertThat(RegistrationWindows.newWindows(slot, seen))
          .as("registration at %d after %s", t, earlier)
          .isEqualTo(expected);
    }
  }

  @Test
  void rejectsAWindowBitOutsideTheMask() {
    assertThatThrownBy(() -> RegistrationWindows.windowStartMs(0, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0..4");
  }
}
