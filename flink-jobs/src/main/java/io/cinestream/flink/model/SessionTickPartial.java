package io.cinestream.flink.model;

/**
 * What the session changes of one subtask's users contribute to one minute tick (the first phase of
 * the two-phase session_metrics aggregation): the changes at instants in (B - 1 min, B] for the
 * minute boundary B, which are exactly the changes a tick T counts from when T >= B.
 *
 * @param bucketMs the minute boundary B, UTC ms
 * @param openDelta sessions opened minus sessions closed or expired
 * @param signInSumDeltaMs sign_in times of the opened minus those of the closed/expired, UTC ms
 * @param completed sessions closed by sign_out
 * @param durationSumMs the sum of their sign_out - sign_in, ms
 * @param minEventMs the earliest instant of a change caused by an event, {@link Long#MAX_VALUE}
 *     when none
 * @param maxEventMs the latest instant of a change caused by an event or of a watermark tick
 *     ({@link SessionChange.Kind#WATERMARK_TICK}): the max event time seen, watermark tick records
 *     included, which bounds the ticks at the end of a bounded input; {@link Long#MIN_VALUE} when
 *     none
 */
public record SessionTickPartial(
    long bucketMs,
    long openDelta,
    long signInSumDeltaMs,
    long completed,
    long durationSumMs,
    long minEventMs,
    long maxEventMs) {

  /** Nothing yet in bucket {@code bucketMs}. */
  public static SessionTickPartial empty(long bucketMs) {
    return new SessionTickPartial(bucketMs, 0, 0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE);
  }

  /** This partial with {@code c} (a change in this bucket) added. */
  public SessionTickPartial plus(SessionChange c) {
    long open = openDelta;
    long sum = signInSumDeltaMs;
    long done = completed;
    long durations = durationSumMs;
    switch (c.kind()) {
      case OPENED -> {
        open++;
        sum += c.signInMs();
      }
      case CLOSED -> {
        open--;
        sum -= c.signInMs();
        done++;
        durations += c.timeMs() - c.signInMs();
      }
      case EXPIRED -> {
        open--;
        sum -= c.signInMs();
      }
      case IGNORED_SIGN_IN, ORPHAN_SIGN_OUT, WATERMARK_TICK -> {}
    }
    // A tick raises the max seen but never starts the ticks (they start at the first event).
    long min = c.fromEvent() ? Math.min(minEventMs, c.timeMs()) : minEventMs;
    boolean seen = c.fromEvent() || c.kind() == SessionChange.Kind.WATERMARK_TICK;
    long max = seen ? Math.max(maxEventMs, c.timeMs()) : maxEventMs;
    return new SessionTickPartial(bucketMs, open, sum, done, durations, min, max);
  }

  /** The sum of two partials of the same bucket (from different subtasks). */
  public SessionTickPartial merge(SessionTickPartial o) {
    return new SessionTickPartial(
        bucketMs,
        openDelta + o.openDelta,
        signInSumDeltaMs + o.signInSumDeltaMs,
        completed + o.completed,
        durationSumMs + o.durationSumMs,
        Math.min(minEventMs, o.minEventMs),
        Math.max(maxEventMs, o.maxEventMs));
  }

  /** True when some change of this bucket was caused by an event. */
  public boolean hasEvents() {
    return minEventMs != Long.MAX_VALUE;
  }

  /** True when some change of this bucket was caused by an event or a watermark tick. */
  public boolean hasSeen() {
    return maxEventMs != Long.MIN_VALUE;
  }
}
