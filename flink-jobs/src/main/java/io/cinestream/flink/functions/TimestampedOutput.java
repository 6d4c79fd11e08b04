package io.cinestream.flink.functions;

import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.util.Collector;

/**
 * Emits a record with an event-time timestamp of its own from a process function, where Flink's API
 * gives every output the timestamp of the element or timer being handled. Our keyed steps need this
 * when one call emits records of several instants: a session firing that handles every instant the
 * watermark has passed ({@link SessionTracker}), a checkout unit emitted when its add arrives
 * ({@link CheckoutCartJoin}), a firing that prices several checkout instants ({@link
 * PriceSaleItems}); downstream event-time windows assign the records by that timestamp.
 *
 * <p>The one place that relies on the collector Flink's process operators pass to the function
 * being a {@link TimestampedCollector} (true of {@code KeyedProcessOperator} and {@code
 * KeyedCoProcessOperator}, which is how Flink sets the element's or the timer's timestamp itself);
 * this is not a public API guarantee.
 */
final class TimestampedOutput {

  private TimestampedOutput() {}

  /**
   * Emits {@code value} to {@code out} with the record timestamp {@code timestampMs} (UTC ms).
   *
   * @throws ClassCastException when {@code out} is not the process operator's {@link
   *     TimestampedCollector}
   */
  static <T> void collectAt(Collector<T> out, T value, long timestampMs) {
    TimestampedCollector<T> timed = (TimestampedCollector<T>) out;
    timed.setAbsoluteTimestamp(timestampMs);
    timed.collect(value);
  }
}
