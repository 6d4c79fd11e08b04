package io.cinestream.generator.clock;

/**
 * The time source of a generator run.
 *
 * <p>The simulation schedules every action on its own timeline that starts at {@link
 * #startMillis()}; before it emits an event it asks the clock for the event's time. The simulated
 * clock answers with the scheduled time at once (as fast as the sink takes it); the real-time clock
 * paces the events and stamps them with the wall clock.
 */
public interface Clock {

  /** Start of the simulated window, UTC ms since the epoch. */
  long startMillis();

  /**
   * Waits as long as this clock requires and returns the event time of the next event.
   *
   * @param scheduledMillis the time the simulation scheduled the event for, UTC ms; nondecreasing
   *     across calls
   * @return the event time, UTC ms; nondecreasing across calls
   * @throws InterruptedException when the thread is interrupted while waiting
   */
  long eventTime(long scheduledMillis) throws InterruptedException;
}
