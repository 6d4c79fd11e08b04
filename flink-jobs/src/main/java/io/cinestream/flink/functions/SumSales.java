package io.cinestream.flink.functions;

import io.cinestream.flink.model.PricedSale;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Sums the units and cents of a movie's priced sales in a window; the accumulator is two longs. */
public class SumSales implements AggregateFunction<PricedSale, SalesTotals, SalesTotals> {

  private static final long serialVersionUID = 1L;

  @Override
  public SalesTotals createAccumulator() {
    return SalesTotals.ZERO;
  }

  @Override
  public SalesTotals add(PricedSale sale, SalesTotals acc) {
    return acc.plus(sale.units(), sale.cents());
  }

  @Override
  public SalesTotals getResult(SalesTotals acc) {
    return acc;
  }

  @Override
  public SalesTotals merge(SalesTotals a, SalesTotals b) {
    return a.plus(b.units(), b.cents());
  }
}
