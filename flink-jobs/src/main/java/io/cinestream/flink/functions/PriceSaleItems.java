package io.cinestream.flink.functions;

import io.cinestream.flink.model.CatalogPrice;
import io.cinestream.flink.model.PricedSale;
import io.cinestream.flink.model.SaleItem;
import io.cinestream.flink.time.EventTime;
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
 * <p>Units are buffered per checkout instant and priced when the watermark passes that instant. The
 * catalogue input holds the watermark back until it has been read (bounded) or gone idle
 * (streaming), so the price used is the catalogue's at that point whatever the arrival order of the
 * two inputs. A unit whose product has no price then is not a sale in {@code movie_sales_metrics}:
 * it goes to {@link #UNPRICED} (with cents 0), counted in {@code unpricedUnits} and logged at WARN.
 * The generator only puts priced products into carts, so this flags a catalogue/events mismatch
 * rather than a normal case.
 *
 * <p>Output: one {@link PricedSale} per (product, checkout instant) with units x list price cents.
 * State: the price (until a null price clears it; bounded by the catalogue size) and the units
 * waiting for the watermark (removed when priced).
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
  private transient Counter unpriced;

  @Override
  public void open(OpenContext openContext) {
    priceCents =
        getRuntimeContext().getState(new ValueStateDescriptor<>("price-cents", Types.LONG));
    unitsAt =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("units-at", Types.LONG, Types.LONG));
    unpriced = getRuntimeContext().getMetricGroup().counter("unpricedUnits");
  }

  @Override
  public void processElement1(SaleItem item, Context ctx, Collector<PricedSale> out)
      throws Exception {
    long t = item.checkoutTimeMs();
    Long units = unitsAt.get(t);
    unitsAt.put(t, units == null ? 1L : units + 1);
    ctx.timerService().registerEventTimeTimer(t);
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
    Long units = unitsAt.get(t);
    unitsAt.remove(t);
    if (units == null) {
      return;
    }
    Long cents = priceCents.value();
    if (cents == null) {
      unpriced.inc(units);
      LOG.warn(
          "{} unit(s) of {} sold at {} have no catalogue price: not counted as sales",
          units,
          ctx.getCurrentKey(),
          EventTime.iso(t));
      ctx.output(UNPRICED, new PricedSale(ctx.getCurrentKey(), t, units, 0));
      return;
    }
    out.collect(new PricedSale(ctx.getCurrentKey(), t, units, Math.multiplyExact(units, cents)));
  }
}
