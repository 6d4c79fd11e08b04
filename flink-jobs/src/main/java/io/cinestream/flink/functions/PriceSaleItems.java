package io.cinestream.flink.functions;

import io.cinestream.flink.model.CatalogPrice;
import io.cinestream.flink.model.PricedSale;
import io.cinestream.flink.model.SaleItem;
import io.cinestream.flink.time.EventTime;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prices sold units from the catalogue, keyed by item_id (keyed state: one price per product).
 *
 * <p>Input 1: {@link SaleItem}s; input 2: {@link CatalogPrice}s from {@code
 * movies_catalog_enriched} (latest wins; a null price forgets the product's price).
 *
 * <p>Units are counted per checkout instant and priced when the watermark passes that instant. The
 * catalogue input holds the watermark back until it has been read (bounded) or gone idle
 * (streaming), so the price used is the catalogue's at that point whatever the arrival order of the
 * two inputs. A unit whose product has no price then is not a sale in {@code movie_sales_metrics}:
 * it goes to {@link #UNPRICED} (with cents 0), counted in {@code unpricedUnits} and logged at WARN.
 * The generator only puts priced products into carts, so this flags a catalogue/events mismatch
 * rather than a normal case.
 *
 * <p>Output: one {@link PricedSale} per (product, checkout instant) with units x list price cents,
 * timestamped with the instant.
 *
 * <p>State per product: the price (until a null price clears it; bounded by the catalogue size),
 * the units per checkout instant waiting for the watermark (removed when priced) and the instant of
 * the pending timer. Timers: one at the earliest waiting instant, registered only when a unit
 * arrives with an earlier instant than the pending timer's; a firing prices every instant the
 * watermark has passed and re-arms at the earliest left (docs/benchmark.md#the-cart-step). A timer
 * left behind by an out-of-order unit fires and finds nothing due. Every unit used to register a
 * timer of its own instant.
 */
public class PriceSaleItems
    extends KeyedCoProcessFunction<String, SaleItem, CatalogPrice, PricedSale> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(PriceSaleItems.class);

  /** Units sold of a product without a known price. */
  public static final OutputTag<PricedSale> UNPRICED =
      new OutputTag<>("unpriced-sales", TypeInformation.of(PricedSale.class));

  private transient ValueState<Long> priceCents;
  private transient MapState<Long, Long> unitsAt;
  private transient ValueState<Long> timerAt;
  private transient Counter unpriced;

  @Override
  public void open(OpenContext openContext) {
    priceCents =
        getRuntimeContext().getState(new ValueStateDescriptor<>("price-cents", Types.LONG));
    unitsAt =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("units-at", Types.LONG, Types.LONG));
    timerAt = getRuntimeContext().getState(new ValueStateDescriptor<>("timer-at", Types.LONG));
    unpriced = getRuntimeContext().getMetricGroup().counter("unpricedUnits");
  }

  @Override
  public void processElement1(SaleItem item, Context ctx, Collector<PricedSale> out)
      throws Exception {
    long t = item.checkoutTimeMs();
    Long units = unitsAt.get(t);
    unitsAt.put(t, units == null ? 1L : units + 1);
    Long pending = timerAt.value();
    if (pending == null || t < pending) {
      // An earlier timer than the pending one: that one stays, fires and finds nothing due.
      ctx.timerService().registerEventTimeTimer(t);
      timerAt.update(t);
    }
  }

  @Override
  public void processElement2(CatalogPrice price, Context ctx, Collector<PricedSale> out)
      throws Exception {
    if (price.listPriceCents() == null) {
      priceCents.clear();
    } else {
      priceCents.update(price.listPriceCents());
    }
  }

  @Override
  public void onTimer(long t, OnTimerContext ctx, Collector<PricedSale> out) throws Exception {
    Long pending = timerAt.value();
    if (pending == null || pending > t) {
      return; // a timer left behind by an out-of-order unit: an earlier one priced its units
    }
    long now = ctx.timerService().currentWatermark();
    Long cents = priceCents.value();
    long earliest = Long.MAX_VALUE;
    Iterator<Map.Entry<Long, Long>> it = unitsAt.iterator();
    while (it.hasNext()) {
      Map.Entry<Long, Long> e = it.next();
      long instant = e.getKey();
      if (instant <= now) {
        price(ctx, out, instant, e.getValue(), cents);
        it.remove();
      } else {
        earliest = Math.min(earliest, instant);
      }
    }
    if (earliest == Long.MAX_VALUE) {
      unitsAt.clear(); // drops the key's (now empty) map
      timerAt.clear();
    } else {
      ctx.timerService().registerEventTimeTimer(earliest);
      timerAt.update(earliest);
    }
  }

  /**
   * Emits the {@link PricedSale} of {@code units} sold at {@code instant} (UTC ms), timestamped
   * with it ({@link TimestampedOutput}), or sends them to {@link #UNPRICED} when {@code cents} is
   * null.
   */
  private void price(
      OnTimerContext ctx, Collector<PricedSale> out, long instant, long units, Long cents) {
    if (cents == null) {
      unpriced.inc(units);
      LOG.warn(
          "{} unit(s) of {} sold at {} have no catalogue price: not counted as sales",
          units,
          ctx.getCurrentKey(),
          EventTime.iso(instant));
      ctx.output(UNPRICED, new PricedSale(ctx.getCurrentKey(), instant, units, 0));
      return;
    }
    TimestampedOutput.collectAt(
        out,
        new PricedSale(ctx.getCurrentKey(), instant, units, Math.multiplyExact(units, cents)),
        instant);
  }
}
