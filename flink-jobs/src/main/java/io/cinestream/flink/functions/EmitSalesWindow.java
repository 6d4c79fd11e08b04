package io.cinestream.flink.functions;

import io.cinestream.flink.model.MovieSalesMetric;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns a movie's summed sales of one window into a {@code movie_sales_metrics} row of the given
 * window type ({@code daily}: UTC day; {@code weekly}: ISO week from Monday 00:00 UTC).
 */
public class EmitSalesWindow
    extends ProcessWindowFunction<SalesTotals, MovieSalesMetric, String, TimeWindow> {

  private static final long serialVersionUID = 1L;

  private final String windowType;

  /**
   * @param windowType {@code daily} or {@code weekly}
   */
  public EmitSalesWindow(String windowType) {
    this.windowType = windowType;
  }

  @Override
  public void process(
      String movieId,
      Context context,
      Iterable<SalesTotals> totals,
      Collector<MovieSalesMetric> out) {
    SalesTotals t = totals.iterator().next();
    TimeWindow w = context.window();
    out.collect(
        new MovieSalesMetric(movieId, windowType, w.getStart(), w.getEnd(), t.cents(), t.units()));
  }
}
