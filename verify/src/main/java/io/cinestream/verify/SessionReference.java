package io.cinestream.verify;

import io.cinestream.verify.model.OrphanSignOutRow;
import io.cinestream.verify.model.RawEvent;
import io.cinestream.verify.model.SessionMetricRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Reference session_metrics and orphan_sign_outs (docs/metrics.md#sessions).
 *
 * <p>Sessions open on sign_in and close on the user's next sign_out; a sign_in on an open session
 * is ignored; a sign_out without an open session is an orphan, counted in the minute of its event
 * time; a session without sign_out within the timeout expires at sign_in + timeout (not a duration;
 * a later sign_out is an orphan). Where DESIGN is silent this follows the conventions the Flink job
 * documents: a sign_out exactly at sign_in + timeout closes the session normally; at one
 * millisecond sign_outs apply before sign_ins; a sign_in exactly at sign_in + timeout of an open
 * session finds it expired (it is not open at that instant) and opens a new one.
 *
 * <p>Ticks T are the minute boundaries from the first one at or after the first sign_in/sign_out up
 * to the last one the watermark W has passed: T < W, W = max event time seen - max
 * out-of-orderness, where the max counts the watermark tick records of the sign topics too (the raw
 * loader keeps them in {@code watermark_ticks}). "Passed" is strict because a tick T = W is not
 * final in a live run (an event exactly at W is on time), and Flink and Spark emit a tick only when
 * their watermark, W - 1 ms, reaches it. Rows carry: sessions open at T (sign_in &lt;= T &lt;
 * close), the mean duration of sessions closed by sign_out in (T-1h, T] with their count, and the
 * mean age T - sign_in of the open sessions.
 */
public final class SessionReference {

  /** docs/metrics.md#sessions default session timeout. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(2);

  /** docs/metrics.md#sessions default max out-of-orderness (the watermark lag). */
  public static final Duration DEFAULT_MAX_OUT_OF_ORDERNESS = Duration.ofMinutes(2);

  private static final long MINUTE_MS = 60_000L;
  private static final long HOUR_MS = 3_600_000L;

  /**
   * The session rows and the orphan rows.
   *
   * @param ticks one row per minute tick, by timestamp
   * @param orphans one row per minute with at least one orphan sign_out, by minute (including
   *     minutes after the last tick)
   */
  public record Result(List<SessionMetricRow> ticks, List<OrphanSignOutRow> orphans) {}

  private record Session(long signIn, long close, boolean closedBySignOut) {}

  private SessionReference() {}

  /**
   * Computes with the DESIGN defaults (2 h timeout, 2 min out-of-orderness).
   *
   * @param events raw events in any order; only sign_in and sign_out are used
   * @return the rows
   */
  public static Result compute(List<RawEvent> events) {
    return compute(events, DEFAULT_TIMEOUT, DEFAULT_MAX_OUT_OF_ORDERNESS);
  }

  /**
   * Computes the rows.
   *
   * @param events raw events in any order; only sign_in and sign_out are used, duplicates (same
   *     event_id) are dropped first
   * @param timeout session timeout (positive)
   * @param maxOutOfOrderness watermark lag behind the max event time
   * @return the rows; empty when there is no sign_in/sign_out
   */
  public static Result compute(
      List<RawEvent> events, Duration timeout, Duration maxOutOfOrderness) {
    return compute(events, timeout, maxOutOfOrderness, null);
  }

  /**
   * Computes the rows, with the watermark tick records of the sign topics counted in the max event
   * time seen.
   *
   * @param events raw events in any order; only sign_in and sign_out are used, duplicates (same
   *     event_id) are dropped first
   * @param timeout session timeout (positive)
   * @param maxOutOfOrderness watermark lag behind the max event time
   * @param latestTick the latest watermark tick on {@code sign_in}/{@code sign_out}, or null for
   *     none; it moves the last tick when it is after the last event, never the first
   * @return the rows; empty when there is no sign_in/sign_out
   */
  public static Result compute(
      List<RawEvent> events, Duration timeout, Duration maxOutOfOrderness, Instant latestTick) {
    long timeoutMs = timeout.toMillis();
    List<RawEvent> signs =
        Deduplication.distinctByEventId(events).stream()
            .filter(
                e ->
                    RawEvent.SIGN_IN.equals(e.eventName())
                        || RawEvent.SIGN_OUT.equals(e.eventName()))
            .sorted(
                Comparator.comparing(RawEvent::eventTime)
                    .thenComparing(e -> RawEvent.SIGN_OUT.equals(e.eventName()) ? 0 : 1)
                    .thenComparing(RawEvent::eventId))
            .toList();
    if (signs.isEmpty()) {
      return new Result(List.of(), List.of());
    }

    Map<Integer, Long> openSince = new HashMap<>();
    List<Session> sessions = new ArrayList<>();
    TreeMap<Long, Long> orphans = new TreeMap<>();
    for (RawEvent e : signs) {
      long t = e.eventTime().toEpochMilli();
      boolean signOut = RawEvent.SIGN_OUT.equals(e.eventName());
      Long open = openSince.get(e.userId());
      if (open != null && (signOut ? t > open + timeoutMs : t >= open + timeoutMs)) {
        sessions.add(new Session(open, open + timeoutMs, false));
        openSince.remove(e.userId());
        open = null;
      }
      if (signOut) {
        if (open == null) {
          orphans.merge(Math.floorDiv(t, MINUTE_MS) * MINUTE_MS, 1L, Long::sum);
        } else {
          sessions.add(new Session(open, t, true));
          openSince.remove(e.userId());
        }
      } else if (open == null) {
        openSince.put(e.userId(), t);
      }
    }
    // No sign_out in the data: for every tick up to the watermark the session ends at its timeout.
    openSince.values().forEach(open -> sessions.add(new Session(open, open + timeoutMs, false)));

    long first = signs.get(0).eventTime().toEpochMilli();
    long max = signs.get(signs.size() - 1).eventTime().toEpochMilli();
    if (latestTick != null) {
      max = Math.max(max, latestTick.toEpochMilli());
    }
    long firstTick = Math.floorDiv(first + MINUTE_MS - 1, MINUTE_MS) * MINUTE_MS;
    // The last boundary strictly before W = max - max out-of-orderness.
    long lastTick = Math.floorDiv(max - maxOutOfOrderness.toMillis() - 1, MINUTE_MS) * MINUTE_MS;

    List<OrphanSignOutRow> orphanRows = new ArrayList<>();
    orphans.forEach((m, n) -> orphanRows.add(new OrphanSignOutRow(Instant.ofEpochMilli(m), n)));
    return new Result(ticks(sessions, firstTick, lastTick), orphanRows);
  }

  /** One sweep over the ticks: open sessions by sign-in/close, completions by close time. */
  private static List<SessionMetricRow> ticks(
      List<Session> sessions, long firstTick, long lastTick) {
    List<Session> bySignIn =
        sessions.stream().sorted(Comparator.comparingLong(Session::signIn)).toList();
    List<Session> completed =
        sessions.stream()
            .filter(Session::closedBySignOut)
            .sorted(Comparator.comparingLong(Session::close))
            .toList();
    PriorityQueue<Session> open = new PriorityQueue<>(Comparator.comparingLong(Session::close));
    long openSignInSum = 0;
    int nextOpen = 0;
    int completedHead = 0;
    int completedTail = 0;
    long durationSum = 0;

    List<SessionMetricRow> rows = new ArrayList<>();
    for (long tick = firstTick; tick <= lastTick; tick += MINUTE_MS) {
      while (nextOpen < bySignIn.size() && bySignIn.get(nextOpen).signIn() <= tick) {
        Session s = bySignIn.get(nextOpen++);
        open.add(s);
        openSignInSum += s.signIn();
      }
      while (!open.isEmpty() && open.peek().close() <= tick) {
        openSignInSum -= open.poll().signIn();
      }
      while (completedTail < completed.size() && completed.get(completedTail).close() <= tick) {
        Session s = completed.get(completedTail++);
        durationSum += s.close() - s.signIn();
      }
      while (completedHead < completedTail
          && completed.get(completedHead).close() <= tick - HOUR_MS) {
        Session s = completed.get(completedHead++);
        durationSum -= s.close() - s.signIn();
      }
      long active = open.size();
      long done = completedTail - completedHead;
      rows.add(
          new SessionMetricRow(
              Instant.ofEpochMilli(tick),
              active,
              done == 0 ? null : durationSum / (done * 1000.0),
              active == 0 ? null : (active * tick - openSignInSum) / (active * 1000.0),
              done));
    }
    return rows;
  }
}
