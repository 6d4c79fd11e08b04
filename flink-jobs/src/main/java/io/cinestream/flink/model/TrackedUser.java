package io.cinestream.flink.model;

import io.cinestream.flink.logic.SeenEventIds;
import java.util.Arrays;

/**
 * Everything the session tracker keeps for one user, in ONE keyed value
 * (docs/benchmark.md#where-the-flink-jobs-time-goes-now): each event then costs one state lookup
 * and one write instead of one per concern (the seen ids, the pending events, the open session and
 * the pending timer were four states, read about fifteen times per event: with a million users each
 * read is a cache miss in its own map).
 *
 * <p>Mutable on purpose: the tracker reads it, changes it in place and writes it back (the heap
 * backend copies it through {@link TrackedUserSerializer} while a snapshot needs the old version;
 * RocksDB serializes on the write). Fields:
 *
 * <ul>
 *   <li>{@code openSignInMs}: sign_in time of the open session, UTC ms; {@link #NONE} when closed;
 *   <li>{@code seenIds}: the ids seen within the dedup retention, as {@link SeenEventIds} triples;
 *   <li>{@code pending}: the on-time events the watermark has not yet passed, in arrival order;
 *   <li>{@code timerAtMs}: the user's one pending event-time timer, UTC ms; {@link #NONE} when
 *       none.
 * </ul>
 */
public final class TrackedUser {

  /** The value of "none" for {@link #openSignInMs} and {@link #timerAtMs}. */
  public static final long NONE = Long.MIN_VALUE;

  private static final Event[] NO_EVENTS = new Event[0];

  /** Sign_in time of the open session (UTC ms) or {@link #NONE}. */
  public long openSignInMs = NONE;

  /** Seen ids, {@link SeenEventIds} layout; never null. */
  public long[] seenIds = SeenEventIds.NONE;

  /** Pending on-time events, arrival order; never null. */
  public Event[] pending = NO_EVENTS;

  /** The pending timer's instant (UTC ms) or {@link #NONE}. */
  public long timerAtMs = NONE;

  /** Appends {@code e} to the pending events. */
  public void addPending(Event e) {
    Event[] more = Arrays.copyOf(pending, pending.length + 1);
    more[pending.length] = e;
    pending = more;
  }

  /**
   * Removes and returns the pending events at or before {@code t} (UTC ms), in arrival order; the
   * later ones stay.
   */
  public Event[] takePendingUpTo(long t) {
    int due = 0;
    for (Event e : pending) {
      if (e.eventTimeMs() <= t) {
        due++;
      }
    }
    if (due == 0) {
      return NO_EVENTS;
    }
    if (due == pending.length) {
      Event[] all = pending;
      pending = NO_EVENTS;
      return all;
    }
    Event[] taken = new Event[due];
    Event[] kept = new Event[pending.length - due];
    int i = 0;
    int j = 0;
    for (Event e : pending) {
      if (e.eventTimeMs() <= t) {
        taken[i++] = e;
      } else {
        kept[j++] = e;
      }
    }
    pending = kept;
    return taken;
  }

  /** The earliest pending event's time (UTC ms), {@link Long#MAX_VALUE} when none is pending. */
  public long nextPendingMs() {
    long min = Long.MAX_VALUE;
    for (Event e : pending) {
      min = Math.min(min, e.eventTimeMs());
    }
    return min;
  }

  /** True when nothing is left to keep: no open session, no pending event, no seen id. */
  public boolean isEmpty() {
    return openSignInMs == NONE && pending.length == 0 && seenIds.length == 0;
  }

  /** A copy that shares nothing mutable with this one (events are immutable). */
  public TrackedUser copy() {
    TrackedUser c = new TrackedUser();
    c.openSignInMs = openSignInMs;
    c.seenIds = seenIds.length == 0 ? SeenEventIds.NONE : seenIds.clone();
    c.pending = pending.length == 0 ? NO_EVENTS : pending.clone();
    c.timerAtMs = timerAtMs;
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrackedUser u
        && openSignInMs == u.openSignInMs
        && timerAtMs == u.timerAtMs
        && Arrays.equals(seenIds, u.seenIds)
        && Arrays.equals(pending, u.pending);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(openSignInMs) * 31 + Arrays.hashCode(seenIds);
  }

  @Override
  public String toString() {
    return "TrackedUser{open="
        + openSignInMs
        + ", ids="
        + seenIds.length / 3
        + ", pending="
        + Arrays.toString(pending)
        + ", timer="
        + timerAtMs
        + "}";
  }
}
