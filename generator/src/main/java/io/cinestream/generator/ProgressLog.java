package io.cinestream.generator;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A progress line at most once per interval ({@code --log-every}), for runs whose output goes to a
 * log file rather than a terminal: {@code ./pipeline live} reads the newest one for its progress
 * lines (docs/operations.md#live).
 *
 * <p>The line is {@code generated N events (R events/s since the last line)}: N distinct events
 * generated so far (duplicate sends and malformed records not counted), R over the wall time since
 * the previous line (or since the start). It is told every {@link Generator#PROGRESS_EVERY} events,
 * so lines come at the later of the interval and that many events.
 */
public final class ProgressLog implements ProgressListener {

  private final long everyMs;
  private final LongSupplier nowMs;
  private final Consumer<String> out;
  private long lastMs;
  private long lastEvents;
  private long seenEvents;

  /**
   * @param every the least wall time between two lines, positive
   * @param nowMs the wall clock, ms (tests pass their own)
   * @param out where a line goes (the CLI: its logger at INFO, on stderr)
   * @throws IllegalArgumentException when {@code every} is not positive
   */
  public ProgressLog(Duration every, LongSupplier nowMs, Consumer<String> out) {
    if (every.isZero() || every.isNegative()) {
      throw new IllegalArgumentException("the interval must be positive, got " + every);
    }
    this.everyMs = every.toMillis();
    this.nowMs = nowMs;
    this.out = out;
    this.lastMs = nowMs.getAsLong();
  }

  /**
   * Writes a line when at least the interval has passed since the previous one (or since this
   * object was made).
   *
   * @param events distinct events generated so far
   * @param scheduledNowMs unused (simulated time)
   */
  @Override
  public void update(long events, long scheduledNowMs) {
    seenEvents = events;
    long now = nowMs.getAsLong();
    long elapsed = now - lastMs;
    if (elapsed < everyMs) {
      return;
    }
    write(events, now, elapsed);
  }

  /**
   * Writes the line of the newest update now, unless it was written already: the run's last line,
   * whatever the interval (the CLI calls it when the run ends, also after SIGTERM).
   */
  public void flush() {
    if (seenEvents != lastEvents) {
      long now = nowMs.getAsLong();
      write(seenEvents, now, Math.max(1, now - lastMs));
    }
  }

  private void write(long events, long now, long elapsed) {
    double rate = (events - lastEvents) * 1000.0 / elapsed;
    out.accept(
        String.format(
            Locale.ROOT, "generated %d events (%.0f events/s since the last line)", events, rate));
    lastMs = now;
    lastEvents = events;
  }
}
