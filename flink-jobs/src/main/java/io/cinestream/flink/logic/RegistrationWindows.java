package io.cinestream.flink.logic;

/**
 * The windows of {@code user_registration_metrics} (docs/metrics.md#registration-windows) as
 * arithmetic on 15-minute slots, in plain Java: which windows a user's registration makes the user
 * present in for the first time.
 *
 * <p>Every window of the metric is one hour long and starts on a multiple of 15 minutes (UTC epoch
 * aligned): {@code tumbling_1h} windows start on whole hours, {@code sliding_1h_15m} windows on
 * every 15-minute boundary. So an event time {@code t} in slot {@code s = floor(t / 15 min)} lies
 * in exactly five windows: the tumbling hour starting at slot {@code 4 * floor(s / 4)}, and the
 * four sliding windows starting at slots {@code s - 3 .. s} (the same assignment as Flink's {@code
 * TumblingEventTimeWindows.of(1h)} and {@code SlidingEventTimeWindows.of(1h, 15min)} with offset
 * 0). A user already counted in a window because of an earlier registration in another slot must
 * not be counted again: that is the DISTINCT of the metric.
 *
 * <p>The windows of a slot are named by a 5-bit mask: bit {@link #TUMBLING} is the tumbling hour,
 * bit {@code 1 + i} ({@code i = 0..3}) the sliding window starting at slot {@code s - 3 + i}.
 */
public final class RegistrationWindows {

  /** The slide of the sliding windows and the unit of window starts: 15 minutes in ms. */
  public static final long SLOT_MS = 15 * 60 * 1000L;

  /** The length of every window: 1 hour in ms (four slots). */
  public static final long WINDOW_MS = 4 * SLOT_MS;

  /** Mask bit of the tumbling hour. */
  public static final int TUMBLING = 0;

  /** The mask with all five windows of a slot. */
  public static final int ALL = 0b11111;

  private RegistrationWindows() {}

  /**
   * @param eventTimeMs event time, UTC ms since the epoch
   * @return the 15-minute slot holding it: {@code floor(eventTimeMs / 15 min)}
   */
  public static long slotOf(long eventTimeMs) {
    return Math.floorDiv(eventTimeMs, SLOT_MS);
  }

  /**
   * The windows of {@code slot} that contain none of the slots the user was already counted in.
   *
   * @param slot the slot of the new registration
   * @param seen the slots of the user's earlier registrations (any order; may be empty)
   * @return a mask of the slot's windows (bit {@link #TUMBLING}: the tumbling hour; bit {@code 1 +
   *     i}: the sliding window starting at slot {@code slot - 3 + i}); {@link #ALL} when {@code
   *     seen} is empty, 0 when {@code seen} holds {@code slot}
   */
  public static int newWindows(long slot, long[] seen) {
    int mask = ALL;
    long hour = Math.floorDiv(slot, 4);
    for (long other : seen) {
      if (Math.floorDiv(other, 4) == hour) {
        mask &= ~(1 << TUMBLING);
      }
      // The sliding window starting at slot k holds slots k..k+3: it holds `other` when
      // other - 3 <= k <= other, with k = slot - 3 + i.
      for (int i = 0; i < 4; i++) {
        long k = slot - 3 + i;
        if (k <= other && other <= k + 3) {
          mask &= ~(1 << (1 + i));
        }
      }
    }
    return mask;
  }

  /**
   * @param slot a slot
   * @param bit a window's bit in the slot's mask, 0..4
   * @return the start of that window, UTC ms (its end is start + {@link #WINDOW_MS})
   * @throws IllegalArgumentException when {@code bit} is not 0..4
   */
  public static long windowStartMs(long slot, int bit) {
    if (bit == TUMBLING) {
      return Math.floorDiv(slot, 4) * WINDOW_MS;
    }
    if (bit < 1 || bit > 4) {
      throw new IllegalArgumentException("window bit must be 0..4, got " + bit);
    }
    return (slot - 3 + (bit - 1)) * SLOT_MS;
  }

  /**
   * The last millisecond of the last window containing {@code slot} (the sliding window starting at
   * it): once the watermark has passed it, no on-time event can fall into a window shared with this
   * slot, so whatever is remembered about it may be dropped.
   *
   * @param slot a slot
   * @return {@code (slot + 4) * 15 min - 1}, UTC ms
   */
  public static long lastWindowEndMs(long slot) {
    return (slot + 4) * SLOT_MS - 1;
  }
}
