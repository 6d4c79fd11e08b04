package io.cinestream.generator;

/**
 * How events are delivered, as opposed to what the simulation does.
 *
 * @param maxDelayMs out-of-order bound, ms ({@code --max-delay}): a share {@link
 *     Generator#DELAYED_SHARE} of events is sent after a delay drawn uniformly from (0, maxDelayMs]
 *     of event time, so consumers see events out of event-time order by at most this much; 0 = in
 *     order
 * @param duplicateRate probability that an event is sent a second time, identical (same event_id),
 *     itself delayed like any event ({@code --duplicate-rate})
 * @param malformedRate probability that an event is followed by an undecodable copy on its topic
 *     ({@code --malformed-rate})
 * @param maxEvents stop after this many distinct events (duplicates and malformed records not
 *     counted); {@link Long#MAX_VALUE} = until the simulation ends
 */
public record DeliveryOptions(
    long maxDelayMs, double duplicateRate, double malformedRate, long maxEvents) {

  /**
   * @throws IllegalArgumentException when a rate is outside [0, 1] or a bound is negative
   */
  public DeliveryOptions {
    if (maxDelayMs < 0) {
      throw new IllegalArgumentException("max delay must be >= 0, got " + maxDelayMs + " ms");
    }
    if (!(duplicateRate >= 0 && duplicateRate <= 1)) {
      throw new IllegalArgumentException("duplicate rate outside [0, 1]: " + duplicateRate);
    }
    if (!(malformedRate >= 0 && malformedRate <= 1)) {
      throw new IllegalArgumentException("malformed rate outside [0, 1]: " + malformedRate);
    }
    if (maxEvents < 0) {
      throw new IllegalArgumentException("max events must be >= 0, got " + maxEvents);
    }
  }

  /** In order, no duplicates, no malformed records, no event limit. */
  public static DeliveryOptions clean() {
    return new DeliveryOptions(0, 0, 0, Long.MAX_VALUE);
  }
}
