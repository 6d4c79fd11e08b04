package io.cinestream.generator.clock;

/**
 * Simulated time: events carry the time the simulation scheduled them for, and nothing waits, so a
 * day of events is produced as fast as the sink accepts them.
 */
public final class SimulatedClock implements Clock {

  private final long startMillis;

  /**
   * @param startMillis start of the simulated window, UTC ms (the CLI's {@code --start})
   */
  public SimulatedClock(long startMillis) {
    this.startMillis = startMillis;
  }

  @Override
  public long startMillis() {
    return startMillis;
  }

  /** Returns {@code scheduledMillis} unchanged, without waiting. */
  @Override
  public long eventTime(long scheduledMillis) {
    return scheduledMillis;
  }
}
