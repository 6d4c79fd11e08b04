package io.cinestream.flink.model;

/**
 * What one sign_in/sign_out event (or a timeout) did to a user's session
 * (docs/metrics.md#sessions), emitted in event-time order per user by the session tracker.
 *
 * @param kind what happened
 * @param userId the user
 * @param timeMs when it happened, UTC ms: the event time, or sign_in + timeout for {@link
 *     Kind#EXPIRED}
 * @param signInMs the sign_in time of the session concerned (OPENED, CLOSED, EXPIRED,
 *     IGNORED_SIGN_IN: the open session's), else null
 */
public record SessionChange(Kind kind, int userId, long timeMs, Long signInMs) {

  /** The possible effects. */
  public enum Kind {
    /** A sign_in opened a session. */
    OPENED,
    /** A sign_in while a session was open: ignored. */
    IGNORED_SIGN_IN,
    /** A sign_out closed the open session. */
    CLOSED,
    /** A sign_out with no open session: an orphan. */
    ORPHAN_SIGN_OUT,
    /** No sign_out within the timeout: the session closed as timed out (not an event). */
    EXPIRED,
    /**
     * A watermark tick record at {@code timeMs} (user 0, no session): changes no session, only
     * raises the max event time seen, i.e. how far the ticks may run (docs/metrics.md#sessions:
     * watermark tick records included).
     */
    WATERMARK_TICK
  }

  /**
   * A watermark tick at {@code tickMs}: the change the tracker emits for a tick record.
   *
   * @param tickMs the tick's event time (its Kafka record timestamp), UTC ms
   */
  public static SessionChange watermarkTick(long tickMs) {
    return new SessionChange(Kind.WATERMARK_TICK, 0, tickMs, null);
  }

  /** True for changes caused by a sign_in/sign_out event (not EXPIRED, not WATERMARK_TICK). */
  public boolean fromEvent() {
    return kind != Kind.EXPIRED && kind != Kind.WATERMARK_TICK;
  }
}
