package io.cinestream.flink;

import io.cinestream.flink.functions.CheckoutCartJoin;
import io.cinestream.flink.functions.CumulativeSales;
import io.cinestream.flink.functions.DeduplicateAndFlagLate;
import io.cinestream.flink.functions.EmitSalesWindow;
import io.cinestream.flink.functions.PriceSaleItems;
import io.cinestream.flink.functions.SplitDecoded;
import io.cinestream.flink.functions.SumSales;
import io.cinestream.flink.io.EventWatermarks;
import io.cinestream.flink.io.KafkaSources;
import io.cinestream.flink.io.WarehouseSinks;
import io.cinestream.flink.model.CatalogPrice;
import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.LateEvent;
import io.cinestream.flink.model.MovieSalesMetric;
import io.cinestream.flink.model.PricedSale;
import io.cinestream.flink.model.SaleItem;
import io.cinestream.flink.time.EventTime;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.warehouse.MetricJob;
import io.cinestream.schemas.warehouse.WindowType;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.types.Either;

/**
 * {@code movie_sales_metrics} (docs/metrics.md#movie-sales): per movie, {@code daily} (UTC day),
 * {@code weekly} (ISO week from Monday 00:00 UTC) and {@code cumulative} sales in integer cents and
 * units.
 *
 * <p>Pipeline: {@code added_to_cart} + {@code checkout_to_cart} source -> dead letters out -> keyed
 * by cart_id, {@link CheckoutCartJoin}: duplicate event ids dropped, late events out, each checkout
 * joined with the adds of its cart in [checkout - 24 h, checkout] (one unit per add, at the
 * checkout's time) -> keyed by item_id, connected with the catalogue ({@code
 * movies_catalog_enriched}) and priced in keyed state -> daily and weekly tumbling windows (weekly
 * offset 4 days: the epoch was a Thursday) -> cumulative totals per movie from the daily rows.
 * Carts never checked out, and checkouts of carts without adds, produce nothing. Units of a product
 * without a catalogue price are not sales: they go to the unpriced-sale-items sink (table {@code
 * unpriced_sale_items}).
 */
public final class MovieSalesJob {

  /** The job name (also the {@code job} column of its late events). */
  public static final String NAME = MetricJob.MOVIE_SALES.jobName();

  /** window_type of UTC-day windows. */
  public static final String DAILY = WindowType.DAILY.sqlName();

  /** window_type of ISO-week windows. */
  public static final String WEEKLY = WindowType.WEEKLY.sqlName();

  /**
   * How long before its checkout an add still belongs to the sale (docs/metrics.md#movie-sales).
   */
  public static final Duration CART_LOOKBACK = Duration.ofHours(24);

  private final JobOptions options;
  private final Source<Either<DeadLetter, Event>, ?, ?> cartEvents;
  private final Source<Either<DeadLetter, CatalogPrice>, ?, ?> catalog;
  private final Sink<MovieSalesMetric> metrics;
  private final Sink<PricedSale> unpricedSales;
  private final Sink<LateEvent> lateEvents;
  private final Sink<DeadLetter> deadLetters;

  /**
   * @param options watermark, dedup and source settings
   * @param cartEvents {@code added_to_cart} and {@code checkout_to_cart} events (or dead letters)
   * @param catalog catalogue prices (or dead letters); its source emits no watermarks
   * @param metrics receives daily, weekly and cumulative rows
   * @param unpricedSales receives the units of products without a catalogue price (not sales)
   * @param lateEvents receives events behind the watermark
   * @param deadLetters receives undecodable records of both sources
   */
  public MovieSalesJob(
      JobOptions options,
      Source<Either<DeadLetter, Event>, ?, ?> cartEvents,
      Source<Either<DeadLetter, CatalogPrice>, ?, ?> catalog,
      Sink<MovieSalesMetric> metrics,
      Sink<PricedSale> unpricedSales,
      Sink<LateEvent> lateEvents,
      Sink<DeadLetter> deadLetters) {
    this.options = options;
    this.cartEvents = cartEvents;
    this.catalog = catalog;
    this.metrics = metrics;
    this.unpricedSales = unpricedSales;
    this.lateEvents = lateEvents;
    this.deadLetters = deadLetters;
  }

  /** Adds the job's operators to {@code env}. */
  public void build(StreamExecutionEnvironment env) {
    // One step keyed by cart: duplicates dropped, late events out, adds joined to their checkout
    // (every copy of an event carries its cart id, so the cart's key sees every copy).
    SingleOutputStreamOperator<SaleItem> items =
        CommonSteps.events(env, options, NAME, cartEvents, deadLetters)
            .keyBy(Event::cartId)
            .process(new CheckoutCartJoin(NAME, CART_LOOKBACK, options.dedupRetention()))
            .uid("cart-dedup-checkout-join")
            .name("cart-dedup-checkout-join");
    CommonSteps.sinkLate(NAME, items.getSideOutput(DeduplicateAndFlagLate.LATE), lateEvents);

    DataStreamSource<Either<DeadLetter, CatalogPrice>> rawCatalog =
        env.fromSource(catalog, EventWatermarks.forCatalog(options), NAME + "-catalog");
    rawCatalog.uid(NAME + "-catalog-source");
    if (options.sourceParallelism() > 0) {
      rawCatalog.setParallelism(options.sourceParallelism());
    }
    SingleOutputStreamOperator<CatalogPrice> prices =
        rawCatalog
            .process(new SplitDecoded<>(TypeInformation.of(CatalogPrice.class)))
            .uid(NAME + "-catalog-split-undecodable")
            .name("catalog-split-undecodable")
            .setParallelism(rawCatalog.getParallelism());
    prices
        .getSideOutput(SplitDecoded.DEAD_LETTERS)
        .sinkTo(deadLetters)
        .uid(NAME + "-catalog-dead-letter-sink")
        .name("catalog-dead-letter-sink");

    SingleOutputStreamOperator<PricedSale> priced =
        items
            .keyBy(SaleItem::itemId)
            .connect(prices.keyBy(CatalogPrice::itemId))
            .process(new PriceSaleItems())
            .uid("price-sale-items")
            .name("price-sale-items");
    priced
        .getSideOutput(PriceSaleItems.UNPRICED)
        .sinkTo(unpricedSales)
        .uid(NAME + "-unpriced-sale-items-sink")
        .name("unpriced-sale-items-sink");

    SingleOutputStreamOperator<MovieSalesMetric> daily =
        priced
            .keyBy(PricedSale::movieId)
            .window(TumblingEventTimeWindows.of(Duration.ofDays(1)))
            .aggregate(new SumSales(), new EmitSalesWindow(DAILY))
            .uid("movie-sales-daily")
            .name("movie-sales-daily");
    SingleOutputStreamOperator<MovieSalesMetric> weekly =
        priced
            .keyBy(PricedSale::movieId)
            .window(
                TumblingEventTimeWindows.of(
                    Duration.ofMillis(EventTime.WEEK_MS),
                    Duration.ofMillis(EventTime.ISO_WEEK_OFFSET_MS)))
            .aggregate(new SumSales(), new EmitSalesWindow(WEEKLY))
            .uid("movie-sales-weekly")
            .name("movie-sales-weekly");
    SingleOutputStreamOperator<MovieSalesMetric> cumulative =
        daily
            .keyBy(MovieSalesMetric::movieId)
            .process(new CumulativeSales())
            .uid("movie-sales-cumulative")
            .name("movie-sales-cumulative");
    daily
        .union(weekly, cumulative)
        .sinkTo(metrics)
        .uid(NAME + "-metrics-sink")
        .name("movie-sales-metrics-sink");
  }

  /**
   * Runs the job on Kafka and the warehouse.
   *
   * @param args see {@link JobOptions}
   * @throws Exception when the job fails (after the restart strategy gives up)
   */
  public static void main(String[] args) throws Exception {
    JobOptions options = JobOptions.fromArgs(args);
    StreamExecutionEnvironment env = JobEnvironment.create(options);
    new MovieSalesJob(
            options,
            KafkaSources.events(options, NAME, Topic.ADDED_TO_CART, Topic.CHECKOUT_TO_CART),
            KafkaSources.catalog(options, NAME),
            WarehouseSinks.movieSalesMetrics(options.jdbcUrl()),
            WarehouseSinks.unpricedSaleItems(options.jdbcUrl()),
            WarehouseSinks.lateEvents(options.jdbcUrl()),
            WarehouseSinks.deadLetters(options.jdbcUrl()))
        .build(env);
    env.execute(NAME);
  }
}
