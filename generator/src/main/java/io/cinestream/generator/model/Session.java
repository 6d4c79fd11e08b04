package io.cinestream.generator.model;

/**
 * One visit of a user, from its sign_in to its planned end.
 *
 * <p>A session whose {@link #signsOut()} is false ends without a sign_out event: the user closes
 * the tab, and downstream the session times out (docs/metrics.md#sessions).
 */
public final class Session {

  private final long startMs;
  private final long plannedEndMs;
  private final boolean signsOut;
  private boolean endDecided;
  private int actions;

  /**
   * @param startMs sign_in time, UTC ms
   * @param plannedEndMs when the user means to leave, UTC ms, at least {@code startMs}
   * @param signsOut whether the session ends with a sign_out event
   * @throws IllegalArgumentException when the end precedes the start
   */
  public Session(long startMs, long plannedEndMs, boolean signsOut) {
    if (plannedEndMs < startMs) {
      throw new IllegalArgumentException("session ends before it starts");
    }
    this.startMs = startMs;
    this.plannedEndMs = plannedEndMs;
    this.signsOut = signsOut;
  }

  /** Sign-in time, UTC ms. */
  public long startMs() {
    return startMs;
  }

  /** Planned end, UTC ms: no new page view starts after it. */
  public long plannedEndMs() {
    return plannedEndMs;
  }

  /** Whether the session ends with a sign_out event. */
  public boolean signsOut() {
    return signsOut;
  }

  /** Whether the checkout-or-abandon decision at the end of the session has been taken. */
  public boolean endDecided() {
    return endDecided;
  }

  /** Records that the end-of-session decision was taken, so it is taken once. */
  public void decideEnd() {
    endDecided = true;
  }

  /** Counts one action (view, add, checkout, rating) of the session. */
  public void countAction() {
    actions++;
  }

  /** Actions so far. */
  public int actions() {
    return actions;
  }
}
