package io.cinestream.flink.functions;

import io.cinestream.flink.logic.SeenEventIds;
import io.cinestream.flink.model.CartState;
import io.cinestream.flink.model.CartStateSerializer;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.SaleItem;
import io.cinestream.flink.model.UserState;
import io.cinestream.schemas.Topic;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The movie-sales job's cart step, keyed by cart_id (docs/metrics.md#movie-sales): the job's
 * deduplication and lateness check ({@link EventIdDedup}: every copy of an event shares its cart
 * id) fused with the join {@code checkout_to_cart} x {@code added_to_cart} on cart_id with add time
 * in [checkout - lookback, checkout] (lookback 24 h, both bounds inclusive, as Flink's interval
 * join {@code between(-24h, 0)} that this step replaces). Each matching add is one unit sold, at
 * the checkout's time; whichever of the two arrives second emits the unit.
 *
 * <p>Input: {@code added_to_cart} and {@code checkout_to_cart} events, possibly out of order and
 * repeated. Duplicates are dropped; late events (at or behind the watermark) go to {@link
 * DeduplicateAndFlagLate#LATE} and leave no state.
 *
 * <p>Output: one {@link SaleItem} per (checkout, add of its cart within the lookback), timestamped
 * with the checkout's time (never behind the watermark: both events are on time and the add is not
 * after the checkout).
 *
 * <p>State per cart: ONE {@link CartState} value (read once and written once per event and per
 * timer; docs/benchmark.md#the-cart-step): the seen ids (for the dedup retention), the on-time adds
 * and the on-time checkout times. An add can no longer match once the watermark has passed its time
 * + lookback, a checkout once the watermark has passed it, so keeping either longer is harmless and
 * the cart needs no timer per event: ONE cleanup timer per cart, set when its first event is seen
 * at that event's id forget-at (24 h + rounding, not earlier than every add's and checkout's end),
 * never moved later; when it fires it drops what is due and re-arms for what is left. Abandoned
 * carts leave nothing behind.
 */
public class CheckoutCartJoin extends KeyedProcessFunction<String, Event, SaleItem> {

  private static final long serialVersionUID = 1L;

  private final String jobName;
  private final long lookbackMs;
  private final Duration retention;
  private transient ValueState<CartState> cart;
  private transient EventIdDedup dedup;

  /**
   * @param jobName the {@code job} column of late events, e.g. {@code movie-sales}
   * @param lookback how long before its checkout an add still belongs to the sale (DESIGN: 24 h)
   * @param retention how long (event time) a seen event id is remembered at least; DESIGN: 24 h
   */
  public CheckoutCartJoin(String jobName, Duration lookback, Duration retention) {
    this.jobName = jobName;
    this.lookbackMs = lookback.toMillis();
    this.retention = retention;
  }

  @Override
  public void open(OpenContext openContext) {
    cart =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("cart-state", CartStateSerializer.INSTANCE));
    dedup = EventIdDedup.withCallerState(getRuntimeContext(), jobName, retention);
  }

  /**
   * @throws IllegalArgumentException when the event is neither an add nor a checkout (the job's
   *     source reads only those two topics)
   */
  @Override
  public void processElement(Event event, Context ctx, Collector<SaleItem> out) throws Exception {
    CartState c = cart.value();
    if (!dedup.firstOnTime(c == null ? SeenEventIds.NONE : c.seenIds, event, ctx)) {
      return;
    }
    if (c == null) {
      c = new CartState();
    }
    if (event.is(Topic.ADDED_TO_CART)) {
      for (long checkoutMs : c.checkoutsMs) {
        if (counts(event.eventTimeMs(), checkoutMs)) {
          emit(out, event, checkoutMs);
        }
      }
      c.addAdd(event);
    } else if (event.is(Topic.CHECKOUT_TO_CART)) {
      for (Event add : c.adds) {
        if (counts(add.eventTimeMs(), event.eventTimeMs())) {
          emit(out, add, event.eventTimeMs());
        }
      }
      c.addCheckout(event.eventTimeMs());
    } else {
      throw new IllegalArgumentException(
          "event " + event.eventId() + " is a " + event.topic() + ", not a cart event");
    }
    c.seenIds = dedup.remember(c.seenIds, event);
    long cleanup = Math.max(dedup.forgetAt(event), event.eventTimeMs() + lookbackMs);
    if (c.timerAtMs == UserState.NONE || cleanup < c.timerAtMs) {
      c.timerAtMs = UserState.moveTimer(ctx.timerService(), c.timerAtMs, cleanup);
    }
    cart.update(c);
  }

  @Override
  public void onTimer(long t, OnTimerContext ctx, Collector<SaleItem> out) throws Exception {
    CartState c = cart.value();
    if (c == null) {
      return; // not ours: every timer of this function is set together with its state
    }
    long now = ctx.timerService().currentWatermark();
    c.timerAtMs = UserState.NONE; // the timer that fired is no longer pending
    c.seenIds = SeenEventIds.remainingAt(c.seenIds, now);
    c.dropUpTo(now, lookbackMs);
    if (c.isEmpty()) {
      cart.clear();
      return;
    }
    long next =
        c.seenIds.length > 0 ? SeenEventIds.nextForgetAt(c.seenIds) : c.nextDropMs(lookbackMs);
    c.timerAtMs = UserState.moveTimer(ctx.timerService(), c.timerAtMs, next);
    cart.update(c);
  }

  /** True when an add at {@code addMs} is a unit of the checkout at {@code checkoutMs}. */
  private boolean counts(long addMs, long checkoutMs) {
    return addMs <= checkoutMs && addMs >= checkoutMs - lookbackMs;
  }

  /**
   * One unit: {@code add} sold at {@code checkoutMs}, timestamped with it ({@link
   * TimestampedOutput}).
   */
  private static void emit(Collector<SaleItem> out, Event add, long checkoutMs) {
    TimestampedOutput.collectAt(
        out, new SaleItem(add.itemId(), add.cartId(), checkoutMs, add.eventId()), checkoutMs);
  }
}
