package io.cinestream.flink.functions;

import io.cinestream.flink.model.MovieSalesMetric;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The {@code cumulative} rows of docs/metrics.md#movie-sales, keyed by movie: for each UTC day D on
 * which the movie sold (each {@code daily} row, which the daily window emits in day order per
 * movie), one row with D's bounds and the running total from the first sale to the end of D.
 *
 * <p>State: the movie's running total. It has no TTL on purpose: a cumulative total must outlive
 * any period; it is two longs per movie, bounded by the catalogue size.
 */
public class CumulativeSales
    extends KeyedProcessFunction<String, MovieSalesMetric, MovieSalesMetric> {

  private static final long serialVersionUID = 1L;

  /** The window_type of the rows this emits. */
  public static final String CUMULATIVE = "cumulative";

  private transient ValueState<SalesTotals> running;

  @Override
  public void open(OpenContext openContext) {
    running =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("running", TypeInformation.of(SalesTotals.class)));
  }

  /**
   * @param daily a {@code daily} row of this movie
   * @throws IllegalArgumentException when the row is not a daily row
   */
  @Override
  public void processElement(MovieSalesMetric daily, Context ctx, Collector<MovieSalesMetric> out)
      throws Exception {
    if (!"daily".equals(daily.windowType())) {
      throw new IllegalArgumentException("expected a daily row, got " + daily.windowType());
    }
    SalesTotals before = running.value() == null ? SalesTotals.ZERO : running.value();
    SalesTotals after = before.plus(daily.unitsSold(), daily.totalCents());
    running.update(after);
    out.collect(
        new MovieSalesMetric(
            daily.movieId(),
            CUMULATIVE,
            daily.windowStartMs(),
            daily.windowEndMs(),
            after.cents(),
            after.units()));
  }
}
