package io.cinestream.spark.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.cinestream.schemas.Topic;
import io.cinestream.schemas.warehouse.MetricJob;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.GroupState;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;

/**
 * {@code movie_sales_metrics} on Spark (docs/metrics.md#movie-sales): per movie, {@code daily} (UTC
 * day), {@code weekly} (ISO week) and {@code cumulative} sales in cents and units.
 *
 * <p>Pipeline: {@code added_to_cart} + {@code checkout_to_cart} -> one watermark over both topics
 * and drop repeated event ids ({@link MetricEvents#onTimeDistinct}) -> stream-stream inner join of
 * each checkout with the adds of its cart_id with add time in [checkout - 24 h, checkout] (Spark
 * keeps each add 24 h of event time and each checkout until the watermark passes it) -> one unit
 * per matched add at the checkout's time, priced by a stream-static join with the catalogue prices
 * (units of a product without a price are not sales) -> keyed by movie, {@code
 * flatMapGroupsWithState} with the {@link MovieBook} (per-day totals, the stateful running total)
 * emitting the changed rows of the micro-batch, upserted downstream.
 *
 * <p>Why no window aggregation after the join: Spark 3.5 gives an operator after a stream-stream
 * join the join's output watermark, which trails the input watermark by the 24 h look-back (the
 * adds' state watermark), so append-mode daily windows would close a day late and a bounded
 * catch-up would never close the last day. The book's rows are exact at every batch (a day's row is
 * re-emitted while units arrive, and the upsert keeps the last), so the rows converge to the same
 * values as closed windows and the verifier compares the closed ones.
 *
 * <p>Lateness: as in the other Spark queries, events behind the watermark are dropped by the dedup
 * operator and only counted in the query progress.
 */
public final class MovieSalesMetrics {

  /** Query name and late-event job name, as the Flink job's. */
  public static final String NAME = MetricJob.MOVIE_SALES.jobName();

  /**
   * How long before its checkout an add still belongs to the sale (docs/metrics.md#movie-sales).
   */
  public static final Duration CART_LOOKBACK = Duration.ofHours(24);

  private MovieSalesMetrics() {}

  /**
   * The changed metric rows per micro-batch.
   *
   * @param cartEvents {@code added_to_cart} and {@code checkout_to_cart} rows of {@link
   *     MetricEvents#SCHEMA}, not yet watermarked or deduplicated
   * @param prices static catalogue prices: {@code item_id} string, {@code list_price_cents} long
   *     (null rows are ignored)
   * @param maxOutOfOrderness DESIGN's max_out_of_orderness
   * @return append-mode {@link SalesRow}s (a key may be emitted again with newer totals)
   */
  public static Dataset<SalesRow> rows(
      Dataset<Row> cartEvents, Dataset<Row> prices, Duration maxOutOfOrderness) {
    Dataset<Row> events = MetricEvents.onTimeDistinct(cartEvents, maxOutOfOrderness);
    Dataset<Row> checkouts =
        events
            .filter(col("topic").equalTo(Topic.CHECKOUT_TO_CART.topicName()))
            .select(col("cart_id").as("c_cart_id"), col("event_time").as("checkout_time"));
    Dataset<Row> adds =
        events
            .filter(col("topic").equalTo(Topic.ADDED_TO_CART.topicName()))
            .select(
                col("cart_id").as("a_cart_id"), col("item_id"), col("event_time").as("add_time"));
    Dataset<Row> units =
        checkouts.join(
            adds,
            expr(
                "a_cart_id = c_cart_id AND add_time >= checkout_time - INTERVAL "
                    + CART_LOOKBACK.toHours()
                    + " HOURS AND add_time <= checkout_time"));
    Dataset<Row> priced =
        units
            .join(
                prices
                    .filter(col("list_price_cents").isNotNull())
                    .select(col("item_id").as("p_item_id"), col("list_price_cents")),
                col("item_id").equalTo(col("p_item_id")))
            .select(col("item_id"), col("checkout_time"), col("list_price_cents"));
    return priced
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
        .flatMapGroupsWithState(
            new Update(),
            OutputMode.Append(),
            Encoders.javaSerialization(MovieBook.class),
            Encoders.bean(SalesRow.class),
            GroupStateTimeout.NoTimeout());
  }

  /** The state function: adds the batch's units to the movie's book and emits the changes. */
  static final class Update
      implements FlatMapGroupsWithStateFunction<String, Row, MovieBook, SalesRow> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<SalesRow> call(
        String movieId, Iterator<Row> rows, GroupState<MovieBook> state) {
      MovieBook book = state.exists() ? state.get() : new MovieBook();
      List<long[]> units = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        units.add(new long[] {r.getTimestamp(1).getTime(), r.getLong(2)});
      }
      long watermark;
      try {
        watermark = state.getCurrentWatermarkMs();
      } catch (UnsupportedOperationException e) {
        watermark = Long.MIN_VALUE;
      }
      List<SalesRow> out = new ArrayList<>();
      for (MovieBook.Change c : book.add(units, watermark)) {
        out.add(SalesRow.of(movieId, c));
      }
      state.update(book);
      return out.iterator();
    }
  }

  /** One movie_sales_metrics row (a Java bean for Spark's encoder); money in integer cents. */
  public static final class SalesRow implements Serializable {
    private static final long serialVersionUID = 1L;
    private String movieId;
    private String windowType;
    private long windowStartMs;
    private long windowEndMs;
    private long totalCents;
    private long unitsSold;

    static SalesRow of(String movieId, MovieBook.Change c) {
      SalesRow r = new SalesRow();
      r.movieId = movieId;
      r.windowType = c.windowType();
      r.windowStartMs = c.startMs();
      r.windowEndMs = c.endMs();
      r.totalCents = c.cents();
      r.unitsSold = c.units();
      return r;
    }

    public String getMovieId() {
      return movieId;
    }

    public void setMovieId(String movieId) {
      this.movieId = movieId;
    }

    public String getWindowType() {
      return windowType;
    }

    public void setWindowType(String windowType) {
      this.windowType = windowType;
    }

    public long getWindowStartMs() {
      return windowStartMs;
    }

    public void setWindowStartMs(long windowStartMs) {
      this.windowStartMs = windowStartMs;
    }

    public long getWindowEndMs() {
      return windowEndMs;
    }

    public void setWindowEndMs(long windowEndMs) {
      this.windowEndMs = windowEndMs;
    }

    public long getTotalCents() {
      return totalCents;
    }

    public void setTotalCents(long totalCents) {
      this.totalCents = totalCents;
    }

    public long getUnitsSold() {
      return unitsSold;
    }

    public void setUnitsSold(long unitsSold) {
      this.unitsSold = unitsSold;
    }
  }
}
