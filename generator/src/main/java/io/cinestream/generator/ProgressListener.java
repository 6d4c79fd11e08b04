package io.cinestream.generator;

/** Told how a run advances; the CLI draws a progress bar from it. */
@FunctionalInterface
public interface ProgressListener {

  /** Does nothing. */
  ProgressListener NONE = (events, scheduledNowMs) -> {};

  /**
   * Called every {@link Generator#PROGRESS_EVERY} events and once at the end.
   *
   * @param events distinct events generated so far
   * @param scheduledNowMs how far the simulated time has got, UTC ms
   */
  void update(long events, long scheduledNowMs);
}
