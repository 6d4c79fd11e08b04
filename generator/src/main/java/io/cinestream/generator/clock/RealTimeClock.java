package io.cinestream.generator.clock;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Wall-clock time paced at a fixed event rate ({@code --realtime --rate N}).
 *
 * <p>The simulated schedule only orders the events: the i-th event is released no earlier than
 * {@code i / rate} seconds after the first one, and is stamped with the wall-clock time at its
 * release (never earlier than the previous stamp, so per-user order survives a clock step back).
 * Pacing is against the monotonic clock, so a slow sink makes the run catch up in a burst rather
 * than drift.
 */
public final class RealTimeClock implements Clock {

  /** Sleeps for a number of nanoseconds; swapped in tests so that no test waits. */
  @FunctionalInterface
  public interface Sleeper {
    /**
     * @param nanos how long to sleep, positive
     * @throws InterruptedException when interrupted
     */
    void sleepNanos(long nanos) throws InterruptedException;
  }

  private final double ratePerSecond;
  private final LongSupplier wallMillis;
  private final LongSupplier monotonicNanos;
  private final Sleeper sleeper;
  private final long startMillis;
  private long firstNanos = Long.MIN_VALUE;
  private long released;
  private long lastStamp = Long.MIN_VALUE;

  /**
   * A clock on the system's wall and monotonic clocks.
   *
   * @param ratePerSecond events per second, positive
   * @throws IllegalArgumentException when the rate is not positive
   */
  public RealTimeClock(double ratePerSecond) {
    this(
        ratePerSecond,
        System::currentTimeMillis,
        System::nanoTime,
        nanos -> TimeUnit.NANOSECONDS.sleep(nanos));
  }

  /**
   * @param ratePerSecond events per second, positive
   * @param wallMillis wall clock, UTC ms
   * @param monotonicNanos monotonic clock, ns (as {@link System#nanoTime()})
   * @param sleeper how to wait
   * @throws IllegalArgumentException when the rate is not positive
   */
  public RealTimeClock(
      double ratePerSecond, LongSupplier wallMillis, LongSupplier monotonicNanos, Sleeper sleeper) {
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("rate must be positive, got " + ratePerSecond);
    }
    this.ratePerSecond = ratePerSecond;
    this.wallMillis = wallMillis;
    this.monotonicNanos = monotonicNanos;
    this.sleeper = sleeper;
    this.startMillis = wallMillis.getAsLong();
  }

  /** The wall-clock time at construction, UTC ms. */
  @Override
  public long startMillis() {
    return startMillis;
  }

  @Override
  public long eventTime(long scheduledMillis) throws InterruptedException {
    long now = monotonicNanos.getAsLong();
    if (firstNanos == Long.MIN_VALUE) {
      firstNanos = now;
    }
    long due = firstNanos + (long) (released * 1e9 / ratePerSecond);
    if (due > now) {
      sleeper.sleepNanos(due - now);
    }
    released++;
    lastStamp = Math.max(lastStamp, wallMillis.getAsLong());
    return lastStamp;
  }
}
