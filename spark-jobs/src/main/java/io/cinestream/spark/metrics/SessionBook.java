package io.cinestream.spark.metrics;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * All users' sessions and the per-minute aggregates of docs/metrics.md#sessions, in plain Java: the
 * state of the Spark sessions query (one instance, see {@link SessionMetrics}), testable without
 * Spark.
 *
 * <p>Events are buffered until they are final ({@link #advance}: event time at or before the
 * watermark, after which Spark accepts no event at or before that instant), then applied instant by
 * instant in event-time order, interleaved with the minute ticks, so arrival order never matters.
 *
 * <p>Rules (docs/metrics.md#sessions and the conventions of {@code MetricScenarios}): a sign_in
 * opens a session unless one is open (then it is ignored); a sign_out closes the open session (a
 * sign_out at exactly sign_in + timeout still closes it normally) or, with none open, is an orphan
 * counted in the minute [m, m+1min) of its event time; a session expires at sign_in + timeout. At
 * one instant a user's sign_outs apply first, then expiries, then sign_ins; ties of one kind by
 * event_id. Ticks are the minute boundaries T from the first boundary at or after the first event;
 * at T, the sessions with sign_in <= T < close are open, and the completions are the sessions
 * closed by sign_out in (T-1h, T].
 *
 * <p>Size: the open sessions (one entry per signed-in user), the events of the last
 * max_out_of_orderness, at most 60 completion buckets and the orphan minutes not yet final.
 */
public final class SessionBook implements Serializable {

  private static final long serialVersionUID = 1L;

  /** One minute in ms. */
  public static final long MINUTE_MS = 60_000L;

  /** The completion look-back, 1 h in ms. */
  public static final long COMPLETION_WINDOW_MS = 60 * MINUTE_MS;

  /** A sign_in or sign_out. */
  public record SignEvent(String eventId, int userId, long timeMs, boolean signOut)
      implements Serializable {}

  /** A session_metrics row; averages in seconds, null when there is nothing to average. */
  public record Tick(
      long tickMs,
      long activeSessions,
      Double averageSessionDurationS,
      Double averageActiveSessionAgeS,
      long completedSessions)
      implements Serializable {}

  /** An orphan_sign_outs row: {@code count} orphans in the minute starting at {@code minuteMs}. */
  public record OrphanMinute(long minuteMs, long count) implements Serializable {}

  /** What one {@link #advance} call emits, each list in time order. */
  public record Output(List<Tick> ticks, List<OrphanMinute> orphans) {}

  private static final Comparator<SignEvent> SAME_INSTANT_ORDER =
      Comparator.<SignEvent>comparingInt(e -> e.signOut() ? 0 : 1)
          .thenComparing(SignEvent::eventId);

  private final long timeoutMs;
  private final TreeMap<Long, List<SignEvent>> pending = new TreeMap<>();
  private final HashMap<Integer, Long> open = new HashMap<>();
  private final TreeMap<Long, List<Integer>> expiries = new TreeMap<>();
  private long openSignInSumMs;
  private final TreeMap<Long, long[]> completions = new TreeMap<>();
  private final TreeMap<Long, Long> orphans = new TreeMap<>();
  private Long nextTickMs;
  private Long appliedUpToMs;

  /**
   * @param timeoutMs session timeout after sign_in, ms (DESIGN default 2 h)
   * @throws IllegalArgumentException when not positive
   */
  public SessionBook(long timeoutMs) {
    if (timeoutMs <= 0) {
      throw new IllegalArgumentException("session timeout must be positive, got " + timeoutMs);
    }
    this.timeoutMs = timeoutMs;
  }

  /**
   * Buffers {@code arrivals} and applies everything final.
   *
   * @param arrivals new on-time, deduplicated events (any order)
   * @param finalUpToMs every instant at or before this is final (Spark's current watermark, UTC
   *     ms); events and ticks up to it are applied/emitted, orphan minutes ending at or before
   *     {@code finalUpToMs + 1 ms}
   * @return the ticks T <= finalUpToMs not emitted before, and the orphan minutes that became final
   * @throws IllegalArgumentException when an arrival is at or before an instant already applied
   *     (Spark's watermark would have dropped it: a bug in the caller)
   */
  public Output advance(Iterable<SignEvent> arrivals, long finalUpToMs) {
    for (SignEvent e : arrivals) {
      if (appliedUpToMs != null && e.timeMs() <= appliedUpToMs) {
        throw new IllegalArgumentException(
            "event " + e.eventId() + " at " + e.timeMs() + " is not after " + appliedUpToMs);
      }
      pending.computeIfAbsent(e.timeMs(), t -> new ArrayList<>()).add(e);
    }
    List<Tick> ticks = new ArrayList<>();
    while (true) {
      Long instant = nextInstant();
      if (instant != null && instant > finalUpToMs) {
        instant = null;
      }
      Long tick = nextTickMs != null && nextTickMs <= finalUpToMs ? nextTickMs : null;
      if (tick != null && (instant == null || tick < instant)) {
        ticks.add(tickAt(tick));
        nextTickMs = tick + MINUTE_MS;
      } else if (instant != null) {
        apply(instant);
      } else {
        break;
      }
    }
    appliedUpToMs = appliedUpToMs == null ? finalUpToMs : Math.max(appliedUpToMs, finalUpToMs);
    List<OrphanMinute> finalOrphans = new ArrayList<>();
    for (Iterator<Map.Entry<Long, Long>> it = orphans.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Long> m = it.next();
      if (m.getKey() + MINUTE_MS - 1 > finalUpToMs) {
        break;
      }
      finalOrphans.add(new OrphanMinute(m.getKey(), m.getValue()));
      it.remove();
    }
    return new Output(ticks, finalOrphans);
  }

  /**
   * @return the earliest instant whose processing is still due (a buffered event, an expiry, the
   *     next tick or the end of an orphan minute), or null when nothing is due
   */
  public Long nextDueMs() {
    Long due = nextInstant();
    if (nextTickMs != null && (due == null || nextTickMs < due)) {
      due = nextTickMs;
    }
    if (!orphans.isEmpty()) {
      long end = orphans.firstKey() + MINUTE_MS - 1;
      due = due == null ? end : Math.min(due, end);
    }
    return due;
  }

  /** Number of sessions open now (for tests and logs). */
  public int openSessions() {
    return open.size();
  }

  private Long nextInstant() {
    Long event = pending.isEmpty() ? null : pending.firstKey();
    Long expiry = expiries.isEmpty() ? null : expiries.firstKey();
    if (event == null) {
      return expiry;
    }
    return expiry == null ? event : Math.min(event, expiry);
  }

  private void apply(long t) {
    List<SignEvent> events = pending.remove(t);
    List<SignEvent> ordered = events == null ? new ArrayList<>() : new ArrayList<>(events);
    ordered.sort(SAME_INSTANT_ORDER);
    if (nextTickMs == null && !ordered.isEmpty()) {
      nextTickMs = ceilMinute(t);
    }
    for (SignEvent e : ordered) {
      if (e.signOut()) {
        Long signIn = open.get(e.userId());
        if (signIn != null) {
          close(e.userId(), signIn);
          long[] bucket = completions.computeIfAbsent(ceilMinute(t), b -> new long[2]);
          bucket[0]++;
          bucket[1] += t - signIn;
        } else {
          orphans.merge(floorMinute(t), 1L, Long::sum);
        }
      }
    }
    List<Integer> expiring = expiries.get(t);
    if (expiring != null) {
      for (Integer user : new ArrayList<>(expiring)) {
        close(user, open.get(user));
      }
    }
    for (SignEvent e : ordered) {
      if (!e.signOut() && !open.containsKey(e.userId())) {
        open.put(e.userId(), t);
        openSignInSumMs += t;
        expiries.computeIfAbsent(t + timeoutMs, x -> new ArrayList<>()).add(e.userId());
      }
    }
  }

  private void close(int user, long signIn) {
    open.remove(user);
    openSignInSumMs -= signIn;
    List<Integer> atExpiry = expiries.get(signIn + timeoutMs);
    atExpiry.remove(Integer.valueOf(user));
    if (atExpiry.isEmpty()) {
      expiries.remove(signIn + timeoutMs);
    }
  }

  private Tick tickAt(long t) {
    completions.headMap(t - COMPLETION_WINDOW_MS, true).clear();
    long completed = 0;
    long durationSum = 0;
    for (long[] b : completions.headMap(t, true).values()) {
      completed += b[0];
      durationSum += b[1];
    }
    long n = open.size();
    return new Tick(
        t,
        n,
        completed == 0 ? null : durationSum / (completed * 1000.0),
        n == 0 ? null : (n * t - openSignInSumMs) / (n * 1000.0),
        completed);
  }

  static long floorMinute(long ms) {
    return Math.floorDiv(ms, MINUTE_MS) * MINUTE_MS;
  }

  static long ceilMinute(long ms) {
    return -Math.floorDiv(-ms, MINUTE_MS) * MINUTE_MS;
  }
}
