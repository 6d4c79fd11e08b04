package io.cinestream.generator.sim;

/**
 * What the simulation did, beyond the events themselves: the facts downstream metrics should find
 * again (sessions without sign_out time out, orphan sign_outs are counted as such).
 */
public final class SimulationStats {

  long registrations;
  long sessions;
  long sessionsWithoutSignOut;
  long orphanSignOuts;
  long checkouts;
  long abandonedCartSessions;
  long ratings;
  long sessionsCutByWindowEnd;

  /** consumer_registration events emitted. */
  public long registrations() {
    return registrations;
  }

  /** Sessions opened (sign_in events emitted). */
  public long sessions() {
    return sessions;
  }

  /** Sessions that ended without a sign_out ({@code --no-sign-out-rate}). */
  public long sessionsWithoutSignOut() {
    return sessionsWithoutSignOut;
  }

  /** Deliberate orphan sign_outs ({@code --orphan-sign-out-rate}). */
  public long orphanSignOuts() {
    return orphanSignOuts;
  }

  /** checkout_to_cart events emitted. */
  public long checkouts() {
    return checkouts;
  }

  /** Sessions that ended leaving a non-empty cart open (abandonment). */
  public long abandonedCartSessions() {
    return abandonedCartSessions;
  }

  /** Sessions still open when the window ended: their remaining events fall outside it. */
  public long sessionsCutByWindowEnd() {
    return sessionsCutByWindowEnd;
  }

  /** item_rating events emitted. */
  public long ratings() {
    return ratings;
  }
}
