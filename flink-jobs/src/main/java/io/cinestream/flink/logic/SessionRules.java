package io.cinestream.flink.logic;

import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.SessionChange;
import io.cinestream.flink.model.SessionChange.Kind;
import io.cinestream.schemas.Topic;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One user's session state machine (docs/metrics.md#sessions), in plain Java.
 *
 * <p>A session opens on sign_in and closes on the user's next sign_out; a sign_in while a session
 * is open is ignored; a sign_out with no open session is an orphan; a session without a sign_out
 * within the timeout after its sign_in expires at sign_in + timeout (a later sign_out is then an
 * orphan).
 *
 * <p>Where DESIGN is silent this class decides:
 *
 * <ul>
 *   <li>"within the timeout" is inclusive: a sign_out at exactly sign_in + timeout closes the
 *       session normally (duration = timeout); the session is open at T for sign_in <= T < close
 *       either way.
 *   <li>Events of one user at the same millisecond: sign_outs first, then sign_ins (a sign_out and
 *       a sign_in at the same instant close the old session and open a new one); ties of the same
 *       kind by event_id. An expiry at exactly the instant of a sign_in happens before it, so that
 *       sign_in opens a new session.
 * </ul>
 */
public final class SessionRules {

  /** Orders the events of one instant: sign_outs, then sign_ins, each by event_id. */
  public static final Comparator<Event> SAME_INSTANT_ORDER =
      Comparator.<Event>comparingInt(e -> e.is(Topic.SIGN_OUT) ? 0 : 1)
          .thenComparing(Event::compareIds);

  /**
   * The outcome of one instant.
   *
   * @param openSignInMs sign_in time of the session open after the instant, or null
   * @param changes what happened, in order (each event yields exactly one change; an expiry adds
   *     one)
   */
  public record Step(Long openSignInMs, List<SessionChange> changes) {}

  private SessionRules() {}

  /**
   * Applies everything that happens to one user at instant {@code t}.
   *
   * @param userId the user
   * @param t the instant, UTC ms
   * @param openSignInMs sign_in time of the user's open session before t, or null
   * @param timeoutMs session timeout in ms (DESIGN default 2 h)
   * @param eventsAtT the user's sign_in/sign_out events with event time t (any order; may be empty
   *     when t is only an expiry instant)
   * @return the open session after t and the changes
   * @throws IllegalArgumentException when an event is neither sign_in nor sign_out, or not at t
   */
  public static Step at(
      int userId, long t, Long openSignInMs, long timeoutMs, List<Event> eventsAtT) {
    List<SessionChange> changes = new ArrayList<>();
    Long open = openSignInMs;
    if (open != null && open + timeoutMs < t) {
      changes.add(new SessionChange(Kind.EXPIRED, userId, open + timeoutMs, open));
      open = null;
    }
    List<Event> ordered = new ArrayList<>(eventsAtT);
    ordered.sort(SAME_INSTANT_ORDER);
    boolean expiryChecked = false;
    for (Event e : ordered) {
      if (e.eventTimeMs() != t) {
        throw new IllegalArgumentException("event " + e.eventId() + " is not at " + t);
      }
      if (e.is(Topic.SIGN_OUT)) {
        if (open != null) {
          changes.add(new SessionChange(Kind.CLOSED, userId, t, open));
          open = null;
        } else {
          changes.add(new SessionChange(Kind.ORPHAN_SIGN_OUT, userId, t, null));
        }
      } else if (e.is(Topic.SIGN_IN)) {
        if (!expiryChecked) {
          open = expireAt(userId, t, open, timeoutMs, changes);
          expiryChecked = true;
        }
        if (open != null) {
          changes.add(new SessionChange(Kind.IGNORED_SIGN_IN, userId, t, open));
        } else {
          changes.add(new SessionChange(Kind.OPENED, userId, t, t));
          open = t;
        }
      } else {
        throw new IllegalArgumentException("not a sign_in/sign_out: " + e.topic());
      }
    }
    if (!expiryChecked) {
      open = expireAt(userId, t, open, timeoutMs, changes);
    }
    return new Step(open, changes);
  }

  private static Long expireAt(
      int userId, long t, Long open, long timeoutMs, List<SessionChange> changes) {
    if (open != null && open + timeoutMs <= t) {
      changes.add(new SessionChange(Kind.EXPIRED, userId, open + timeoutMs, open));
      return null;
    }
    return open;
  }
}
