package io.cinestream.flink.logic;

import java.util.Arrays;

/**
 * The event ids one key (one user) has seen, for dropping duplicates
 * (docs/metrics.md#deduplication: "keep the seen ids for 24 h of event time"), in plain Java on a
 * compact {@code long[]}.
 *
 * <p>Layout: triples {@code (idHi, idLo, forgetAtMs)}: the UUID as two longs and the event time at
 * which the id may be forgotten. Expiry is coarse: {@code forgetAtMs} is {@code eventTime +
 * retention} rounded UP to the next whole {@link #BUCKET_MS} (UTC hour), so an id is never
 * forgotten before the retention has passed, and all the ids of a user's hour expire together (one
 * cleanup instant per hour of activity instead of one timer per event).
 *
 * <p>Duplicates of an event carry its user_id, so a per-user set sees every copy of an id.
 */
public final class SeenEventIds {

  /** The expiry granularity: one hour of event time, in ms. */
  public static final long BUCKET_MS = 3_600_000L;

  /** The value of "no ids": an empty array is never stored (state is cleared instead). */
  public static final long[] NONE = new long[0];

  private SeenEventIds() {}

  /**
   * @param eventTimeMs the event's time, UTC ms
   * @param retentionMs how long the id must be remembered, ms (DESIGN: 24 h)
   * @return the first whole hour at or after {@code eventTimeMs + retentionMs}, UTC ms
   */
  public static long forgetAt(long eventTimeMs, long retentionMs) {
    return Math.floorDiv(eventTimeMs + retentionMs + BUCKET_MS - 1, BUCKET_MS) * BUCKET_MS;
  }

  /** True when {@code seen} holds the id {@code (hi, lo)}. */
  public static boolean contains(long[] seen, long hi, long lo) {
    for (int i = 0; i < seen.length; i += 3) {
      if (seen[i] == hi && seen[i + 1] == lo) {
        return true;
      }
    }
    return false;
  }

  /** A copy of {@code seen} with the id {@code (hi, lo)} added, forgotten at {@code forgetAtMs}. */
  public static long[] with(long[] seen, long hi, long lo, long forgetAtMs) {
    long[] more = Arrays.copyOf(seen, seen.length + 3);
    more[seen.length] = hi;
    more[seen.length + 1] = lo;
    more[seen.length + 2] = forgetAtMs;
    return more;
  }

  /**
   * @return the ids of {@code seen} still remembered at event time {@code nowMs} (those with {@code
   *     forgetAtMs > nowMs}); {@link #NONE} when none is
   */
  public static long[] remainingAt(long[] seen, long nowMs) {
    int kept = 0;
    long[] out = new long[seen.length];
    for (int i = 0; i < seen.length; i += 3) {
      if (seen[i + 2] > nowMs) {
        out[kept] = seen[i];
        out[kept + 1] = seen[i + 1];
        out[kept + 2] = seen[i + 2];
        kept += 3;
      }
    }
    return kept == 0 ? NONE : kept == seen.length ? seen : Arrays.copyOf(out, kept);
  }

  /** The earliest {@code forgetAtMs} in {@code seen}, {@link Long#MAX_VALUE} when empty. */
  public static long nextForgetAt(long[] seen) {
    long min = Long.MAX_VALUE;
    for (int i = 2; i < seen.length; i += 3) {
      min = Math.min(min, seen[i]);
    }
    return min;
  }
}
