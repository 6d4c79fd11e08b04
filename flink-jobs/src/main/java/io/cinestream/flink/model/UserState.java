package io.cinestream.flink.model;

import io.cinestream.flink.logic.SeenEventIds;
import java.util.Arrays;
import org.apache.flink.streaming.api.TimerService;

/**
 * Everything a per-user keyed step keeps for one user, in ONE keyed value
 * (docs/benchmark.md#where-the-flink-jobs-time-goes-now): each event then costs one state lookup
 * and one write instead of one per concern. The session tracker had four states (seen ids, pending
 * events, open session, pending timer) read about fifteen times per event, the registration step
 * three (seen ids, counted slots, pending timer) read about eight times: with a million users each
 * read is a cache miss in its own map.
 *
 * <p>Mutable on purpose: the owning function reads it, changes it in place and writes it back (the
 * heap backend copies it through {@link UserStateSerializer} while a snapshot needs the old
 * version; RocksDB serializes on the write). Fields, each used by the step named:
 *
 * <ul>
 *   <li>{@code seenIds} (both): the ids seen within the dedup retention, {@link SeenEventIds}
 *       triples;
 *   <li>{@code timerAtMs} (both): the instant of the user's pending event-time timer, UTC ms
 *       ({@link #NONE} when none): registrations' one cleanup timer, sessions' work timer (the
 *       sessions' cleanup timer is at the oldest seen id's forget-at and needs no field);
 *   <li>{@code openSignInMs} (sessions): sign_in time of the open session, UTC ms; {@link #NONE}
 *       when closed;
 *   <li>{@code pending} (sessions): the on-time events the watermark has not yet passed, in arrival
 *       order;
 *   <li>{@code slots} (registrations): the 15-minute slots the user was counted in.
 * </ul>
 */
public final class UserState {

  /** The value of "none" for {@link #openSignInMs} and {@link #timerAtMs}. */
  public static final long NONE = Long.MIN_VALUE;

  private static final Event[] NO_EVENTS = new Event[0];

  /** Sign_in time of the open session (UTC ms) or {@link #NONE}. */
  public long openSignInMs = NONE;

  /** Seen ids, {@link SeenEventIds} layout; never null. */
  public long[] seenIds = SeenEventIds.NONE;

  /** Pending on-time events, arrival order; never null. */
  public Event[] pending = NO_EVENTS;

  /** Counted 15-minute slots ({@code RegistrationWindows.slotOf}); never null. */
  public long[] slots = SeenEventIds.NONE;

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

  /** True when nothing is left to keep: no open session, pending event, seen id or slot. */
  public boolean isEmpty() {
    return openSignInMs == NONE && pending.length == 0 && seenIds.length == 0 && slots.length == 0;
  }

  /** A copy that shares nothing mutable with this one (events are immutable). */
  public UserState copy() {
    UserState c = new UserState();
    c.openSignInMs = openSignInMs;
    c.seenIds = seenIds.length == 0 ? SeenEventIds.NONE : seenIds.clone();
    c.pending = pending.length == 0 ? NO_EVENTS : pending.clone();
    c.slots = slots.length == 0 ? SeenEventIds.NONE : slots.clone();
    c.timerAtMs = timerAtMs;
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UserState u
        && openSignInMs == u.openSignInMs
        && timerAtMs == u.timerAtMs
        && Arrays.equals(seenIds, u.seenIds)
        && Arrays.equals(pending, u.pending)
        && Arrays.equals(slots, u.slots);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(openSignInMs) * 31 + Arrays.hashCode(seenIds);
  }

  @Override
  public String toString() {
    return "UserState{open="
        + openSignInMs
        + ", ids="
        + seenIds.length / 3
        + ", pending="
        + Arrays.toString(pending)
        + ", slots="
        + Arrays.toString(slots)
        + ", timer="
        + timerAtMs
        + "}";
  }

  /**
   * Makes {@code atMs} (UTC ms; {@link Long#MAX_VALUE}: none) the user's one pending event-time
   * timer: deletes the pending one, registers the new one and records it in {@code u.timerAtMs}
   * (the caller writes {@code u} back).
   *
   * @param timers the current key's timer service
   * @param u the current key's value
   * @param atMs event time, UTC ms
   */
  public static void moveTimer(TimerService timers, UserState u, long atMs) {
    u.timerAtMs = moveTimer(timers, u.timerAtMs, atMs);
  }

  /**
   * Makes {@code atMs} the current key's one pending event-time timer in place of {@code
   * pendingAtMs}.
   *
   * @param timers the current key's timer service
   * @param pendingAtMs the pending timer's instant, UTC ms, or {@link #NONE}
   * @param atMs the new instant, UTC ms; {@link Long#MAX_VALUE}: none
   * @return the pending timer's instant now: {@code atMs}, or {@link #NONE} for none
   */
  public static long moveTimer(TimerService timers, long pendingAtMs, long atMs) {
    if (pendingAtMs == atMs) {
      return pendingAtMs;
    }
    if (pendingAtMs != NONE) {
      timers.deleteEventTimeTimer(pendingAtMs);
    }
    if (atMs == Long.MAX_VALUE) {
      return NONE;
    }
    timers.registerEventTimeTimer(atMs);
    return atMs;
  }
}
