package io.cinestream.flink.model;

import io.cinestream.flink.logic.SeenEventIds;
import java.util.Arrays;

/**
 * Everything the movie-sales job's cart step ({@code CheckoutCartJoin}, keyed by cart_id) keeps for
 * one cart, in ONE keyed value: each event costs one state lookup and one write
 * (docs/benchmark.md#the-cart-step). Mutable on purpose, as {@link UserState}: the step reads it,
 * changes it in place and writes it back ({@link CartStateSerializer} copies it while a heap
 * snapshot needs the old version).
 *
 * <ul>
 *   <li>{@code seenIds}: the ids seen within the dedup retention, {@link SeenEventIds} triples;
 *   <li>{@code adds}: the cart's on-time {@code added_to_cart} events, arrival order, kept while a
 *       later checkout may still count them (24 h of event time);
 *   <li>{@code checkoutsMs}: the event times (UTC ms) of the cart's on-time checkouts, kept while
 *       an add that arrives later may still belong to them (until the watermark passes them);
 *   <li>{@code timerAtMs}: the cart's one pending event-time (cleanup) timer, UTC ms; {@link
 *       UserState#NONE} when none.
 * </ul>
 */
public final class CartState {

  private static final Event[] NO_EVENTS = new Event[0];

  /** Seen ids, {@link SeenEventIds} layout; never null. */
  public long[] seenIds = SeenEventIds.NONE;

  /** On-time adds, arrival order; never null. */
  public Event[] adds = NO_EVENTS;

  /** On-time checkout times, UTC ms, arrival order; never null. */
  public long[] checkoutsMs = SeenEventIds.NONE;

  /** The pending timer's instant (UTC ms) or {@link UserState#NONE}. */
  public long timerAtMs = UserState.NONE;

  /** Appends an on-time add. */
  public void addAdd(Event add) {
    Event[] more = Arrays.copyOf(adds, adds.length + 1);
    more[adds.length] = add;
    adds = more;
  }

  /** Appends an on-time checkout's time (UTC ms). */
  public void addCheckout(long checkoutMs) {
    long[] more = Arrays.copyOf(checkoutsMs, checkoutsMs.length + 1);
    more[checkoutsMs.length] = checkoutMs;
    checkoutsMs = more;
  }

  /**
   * Drops what can no longer join at watermark {@code nowMs}: adds with {@code time + lookbackMs <=
   * nowMs} (every on-time checkout is later than that) and checkouts at or before {@code nowMs}
   * (every on-time add is later).
   *
   * @param nowMs the current watermark, UTC ms
   * @param lookbackMs how long before its checkout an add still counts, ms (24 h)
   */
  public void dropUpTo(long nowMs, long lookbackMs) {
    int keptAdds = 0;
    for (Event a : adds) {
      if (a.eventTimeMs() + lookbackMs > nowMs) {
        keptAdds++;
      }
    }
    if (keptAdds < adds.length) {
      Event[] kept = keptAdds == 0 ? NO_EVENTS : new Event[keptAdds];
      int i = 0;
      for (Event a : adds) {
        if (a.eventTimeMs() + lookbackMs > nowMs) {
          kept[i++] = a;
        }
      }
      adds = kept;
    }
    long[] checkouts = Arrays.stream(checkoutsMs).filter(t -> t > nowMs).toArray();
    checkoutsMs = checkouts.length == 0 ? SeenEventIds.NONE : checkouts;
  }

  /**
   * When the next add or checkout may be dropped ({@link #dropUpTo}), UTC ms; {@link
   * Long#MAX_VALUE} when none is kept.
   */
  public long nextDropMs(long lookbackMs) {
    long next = Long.MAX_VALUE;
    for (Event a : adds) {
      next = Math.min(next, a.eventTimeMs() + lookbackMs);
    }
    for (long t : checkoutsMs) {
      next = Math.min(next, t);
    }
    return next;
  }

  /** True when nothing is left to keep: no seen id, add or checkout. */
  public boolean isEmpty() {
    return seenIds.length == 0 && adds.length == 0 && checkoutsMs.length == 0;
  }

  /** A copy that shares nothing mutable with this one (events are immutable). */
  public CartState copy() {
    CartState c = new CartState();
    c.seenIds = seenIds.length == 0 ? SeenEventIds.NONE : seenIds.clone();
    c.adds = adds.length == 0 ? NO_EVENTS : adds.clone();
    c.checkoutsMs = checkoutsMs.length == 0 ? SeenEventIds.NONE : checkoutsMs.clone();
    c.timerAtMs = timerAtMs;
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CartState c
        && timerAtMs == c.timerAtMs
        && Arrays.equals(seenIds, c.seenIds)
        && Arrays.equals(adds, c.adds)
        && Arrays.equals(checkoutsMs, c.checkoutsMs);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(timerAtMs) * 31 + Arrays.hashCode(seenIds);
  }

  @Override
  public String toString() {
    return "CartState{ids="
        + seenIds.length / 3
        + ", adds="
        + Arrays.toString(adds)
        + ", checkouts="
        + Arrays.toString(checkoutsMs)
        + ", timer="
        + timerAtMs
        + "}";
  }
}
