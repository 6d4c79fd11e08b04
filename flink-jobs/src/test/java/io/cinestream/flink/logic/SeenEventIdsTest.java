package io.cinestream.flink.logic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeenEventIdsTest {

  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;

  @Test
  void forgetsAnIdAtTheFirstWholeHourAtOrAfterTheRetentionNeverBefore() {
    assertThat(SeenEventIds.forgetAt(10 * HOUR, DAY)).isEqualTo(34 * HOUR);
    assertThat(SeenEventIds.forgetAt(10 * HOUR + 1, DAY)).isEqualTo(35 * HOUR);
    assertThat(SeenEventIds.forgetAt(11 * HOUR - 1, DAY)).isEqualTo(35 * HOUR);
    assertThat(SeenEventIds.forgetAt(-1, DAY)).isEqualTo(DAY);
  }

  @Test
  void holdsIdsAsThreeLongsAndKeepsOnlyThoseNotYetDue() {
    long[] seen = SeenEventIds.with(SeenEventIds.NONE, 1, 2, 5 * HOUR);
    seen = SeenEventIds.with(seen, -1, 7, 6 * HOUR);
    assertThat(seen).containsExactly(1, 2, 5 * HOUR, -1, 7, 6 * HOUR);
    assertThat(SeenEventIds.contains(seen, -1, 7)).isTrue();
    assertThat(SeenEventIds.contains(seen, 1, 7)).isFalse();
    assertThat(SeenEventIds.nextForgetAt(seen)).isEqualTo(5 * HOUR);

    assertThat(SeenEventIds.remainingAt(seen, 5 * HOUR - 1)).isSameAs(seen);
    assertThat(SeenEventIds.remainingAt(seen, 5 * HOUR)).containsExactly(-1, 7, 6 * HOUR);
    assertThat(SeenEventIds.remainingAt(seen, 6 * HOUR)).isEmpty();
    assertThat(SeenEventIds.nextForgetAt(SeenEventIds.NONE)).isEqualTo(Long.MAX_VALUE);
  }
}
