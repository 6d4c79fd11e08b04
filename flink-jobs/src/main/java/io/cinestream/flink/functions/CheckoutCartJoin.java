package io.cinestream.flink.functions;

import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.SaleItem;
import org.apache.flink.streaming.api.functions.co.ProcessJoinFunction;
import org.apache.flink.util.Collector;

/**
 * The body of the interval join {@code checkout_to_cart} x {@code added_to_cart} on cart_id with
 * add time in [checkout - 24 h, checkout] (docs/metrics.md#movie-sales): each matching add is one
 * unit sold, at the checkout's time. The interval join keeps each add for 24 h of event time and
 * each checkout until the watermark passes it, then drops them: abandoned carts leave no state
 * behind.
 */
public class CheckoutCartJoin extends ProcessJoinFunction<Event, Event, SaleItem> {

  private static final long serialVersionUID = 1L;

  @Override
  public void processElement(Event checkout, Event add, Context ctx, Collector<SaleItem> out) {
    out.collect(new SaleItem(add.itemId(), add.cartId(), checkout.eventTimeMs(), add.eventId()));
  }
}
