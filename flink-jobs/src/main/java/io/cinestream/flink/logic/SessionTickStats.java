package io.cinestream.flink.logic;

import io.cinestream.flink.model.SessionChange;
import io.cinestream.flink.model.SessionMetric;
import io.cinestream.flink.time.EventTime;

/**
 * The per-minute session aggregates of docs/metrics.md#sessions, in plain Java: what the open
 * sessions and the recent completions contribute to a tick.
 *
 * <p>Open sessions are kept as (count, sum of sign_in ms), so the mean age at T is {@code (count*T
 * - sum) / count} exactly in ms. Completions (sessions closed by sign_out) are kept in buckets by
 * the minute boundary at or after their sign_out, because for a minute boundary T a sign_out time c
 * is in (T-1h, T] exactly when its bucket is in [T-59min, T].
 */
public final class SessionTickStats {

  /** One hour in ms: the completion look-back. */
  public static final long COMPLETION_WINDOW_MS = 60 * EventTime.MINUTE_MS;

  /**
   * The sessions open now.
   *
   * @param count how many
   * @param signInSumMs the sum of their sign_in times, UTC ms
   */
  public record OpenSessions(long count, long signInSumMs) {
    /** No open session. */
    public static final OpenSessions NONE = new OpenSessions(0, 0);

    /** Applies an OPENED, CLOSED or EXPIRED change; other kinds change nothing. */
    public OpenSessions apply(SessionChange c) {
      return switch (c.kind()) {
        case OPENED -> new OpenSessions(count + 1, signInSumMs + c.signInMs());
        case CLOSED, EXPIRED -> new OpenSessions(count - 1, signInSumMs - c.signInMs());
        case IGNORED_SIGN_IN, ORPHAN_SIGN_OUT, WATERMARK_TICK -> this;
      };
    }
  }

  /**
   * Sessions closed by sign_out in one completion bucket.
   *
   * @param count how many
   * @param durationSumMs the sum of their sign_out - sign_in, ms
   */
  public record Completions(long count, long durationSumMs) {
    /** No completion. */
    public static final Completions NONE = new Completions(0, 0);

    /** Adds one session of {@code durationMs}. */
    public Completions plus(long durationMs) {
      return new Completions(count + 1, durationSumMs + durationMs);
    }

    /** Adds the sessions of {@code other}. */
    public Completions plus(Completions other) {
      return new Completions(count + other.count, durationSumMs + other.durationSumMs);
    }

    /** Removes the sessions of {@code other} (which this includes). */
    public Completions minus(Completions other) {
      return new Completions(count - other.count, durationSumMs - other.durationSumMs);
    }
  }

  private SessionTickStats() {}

  /** The completion bucket of a sign_out at {@code signOutMs}: the minute boundary at or after. */
  public static long completionBucket(long signOutMs) {
    return EventTime.ceilMinute(signOutMs);
  }

  /** True when bucket {@code bucketMs} counts at tick {@code tickMs}: in [T-59min, T]. */
  public static boolean inWindow(long bucketMs, long tickMs) {
    return bucketMs > tickMs - COMPLETION_WINDOW_MS && bucketMs <= tickMs;
  }

  /**
   * The row of tick T.
   *
   * @param tickMs the minute boundary T, UTC ms
   * @param open the sessions open at T
   * @param lastHour the sessions closed by sign_out in (T-1h, T] (the completion buckets {@link
   *     #inWindow} T)
   * @return the session_metrics row; averages in seconds, null when there is nothing to average
   */
  public static SessionMetric metricAt(long tickMs, OpenSessions open, Completions lastHour) {
    long completed = lastHour.count();
    Double averageDuration =
        completed == 0 ? null : lastHour.durationSumMs() / (completed * 1000.0);
    Double averageAge =
        open.count() == 0
            ? null
            : (open.count() * tickMs - open.signInSumMs()) / (open.count() * 1000.0);
    return new SessionMetric(tickMs, open.count(), averageDuration, averageAge, completed);
  }
}
