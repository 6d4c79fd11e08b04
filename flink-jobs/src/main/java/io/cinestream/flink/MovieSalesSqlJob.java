package io.cinestream.flink;

import io.cinestream.flink.functions.CumulativeSales;
import io.cinestream.flink.functions.PriceSaleItems;
import io.cinestream.flink.functions.SplitDecoded;
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
import io.cinestream.flink.sql.SqlTables;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.warehouse.Engine;
import java.time.LocalDateTime;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSource;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.types.Row;

/**
 * The Flink SQL peer of {@link MovieSalesJob} (issue 21): the same {@code movie_sales_metrics} rows
 * (docs/metrics.md#movie-sales, {@code daily}, {@code weekly} and {@code cumulative}) with the cart
 * join and the windows in Flink SQL.
 *
 * <p>Pipeline: the same source, decoder, watermarks, dead letters, dedup by event id and late
 * events as the DataStream job ({@link CommonSteps#onTimeEvents}, keyed by cart) -> {@code
 * cart_events(kind, event_id, cart_id, item_id, rowtime)} through the DataStream-to-Table bridge ->
 * {@link #JOIN_SQL}: SQL interval join of each checkout with the adds of its cart in [checkout - 24
 * h, checkout], one unit per add -> back to a DataStream, priced from the catalogue by the
 * DataStream job's {@link PriceSaleItems} -> {@code priced_sales(movie_id, units, cents, rowtime)}
 * -> {@link #WINDOWS_SQL}: {@code TUMBLE} of 1 day and of 7 days offset by 4 days (ISO weeks: the
 * epoch was a Thursday), UTC -> {@link MovieSalesMetric} rows; cumulative rows from the daily rows
 * by the DataStream job's {@link CumulativeSales}.
 *
 * <p>The pricing stays a DataStream step: DESIGN prices a unit at the catalogue's price when the
 * watermark passes its checkout, from a compacted topic without event time. An event-time temporal
 * join needs a versioned table with its own event time, a regular join with the catalogue's
 * changelog would make the window input an updating table (which window TVFs do not take), and
 * there is no lookup source for a Kafka topic. Deduplication and late events stay DataStream steps
 * for the reasons given in {@link RegistrationMetricsSqlJob}.
 *
 * <p>Difference in timing, not in rows: Flink SQL's interval join holds the watermark back by the
 * width of its interval (24 h, as either side's time may be the output's), so in an unbounded run
 * this job prices and closes a day's or week's windows 24 h of event time later than {@link
 * MovieSalesJob}, and its ISO-week windows later still (observed in {@code MovieSalesSqlJobITCase}:
 * not closed when the day is; a known Flink issue, FLINK-36664, open pull request
 * apache/flink#25629: the window operator computes its next flush watermark without the TUMBLE
 * offset, so buffered rows of an offset window wait for an epoch-aligned boundary; that pull
 * request also reports lost rows, which the bounded tests here do not show); at the end of a
 * bounded input (watermark +infinity) both have emitted the same rows.
 */
public final class MovieSalesSqlJob {

  /** The job name: the DataStream job's with {@code -sql} (also the job column of late events). */
  public static final String NAME = MovieSalesJob.NAME + "-sql";

  /** The {@code engine} column value of this job's rows ({@code flink_sql}). */
  public static final String ENGINE = Engine.FLINK_SQL.sqlName();

  /**
   * The sale units over {@code cart_events(kind STRING, event_id STRING, cart_id STRING, item_id
   * STRING, rowtime TIMESTAMP_LTZ(3))}: one row per add of a checked-out cart at most 24 h before
   * (and not after) its checkout, at the checkout's time {@code checkout_ms} (UTC ms).
   */
  public static final String JOIN_SQL =
      """
      SELECT a.item_id, c.cart_id, c.event_time_ms AS checkout_ms, a.event_id AS add_event_id
      FROM cart_events c, cart_events a
      WHERE c.kind = 'checkout_to_cart' AND a.kind = 'added_to_cart'
        AND c.cart_id = a.cart_id
        AND a.rowtime BETWEEN c.rowtime - INTERVAL '24' HOUR AND c.rowtime
      """;

  /**
   * The daily and weekly rows over {@code priced_sales(movie_id STRING, units BIGINT, cents BIGINT,
   * rowtime TIMESTAMP_LTZ(3))}: per movie and UTC day, and per movie and ISO week (Monday 00:00
   * UTC), the units and cents sold.
   */
  public static final String WINDOWS_SQL =
      """
      SELECT movie_id, 'daily' AS window_type, window_start, window_end,
             SUM(cents) AS total_cents, SUM(units) AS units_sold
      FROM TABLE(TUMBLE(TABLE priced_sales, DESCRIPTOR(rowtime), INTERVAL '1' DAY))
      GROUP BY movie_id, window_start, window_end
      UNION ALL
      SELECT movie_id, 'weekly' AS window_type, window_start, window_end,
             SUM(cents) AS total_cents, SUM(units) AS units_sold
      FROM TABLE(
        TUMBLE(TABLE priced_sales, DESCRIPTOR(rowtime), INTERVAL '7' DAY, INTERVAL '4' DAY))
      GROUP BY movie_id, window_start, window_end
      """;

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
  public MovieSalesSqlJob(
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

  /** Adds the job's operators (DataStream steps and SQL) to {@code env}. */
  public void build(StreamExecutionEnvironment env) {
    CommonSteps.OnTime input =
        CommonSteps.onTimeEvents(
            env, options, NAME, cartEvents, deadLetters, Event::cartId, "cart");
    CommonSteps.sinkLate(NAME, input.late(), lateEvents);

    StreamTableEnvironment tableEnv = SqlTables.environment(env);
    tableEnv.createTemporaryView(
        "cart_events",
        SqlTables.withRowtime(
            tableEnv,
            input
                .events()
                .map(
                    e -> Row.of(e.topic(), e.eventId(), e.cartId(), e.itemId(), e.eventTimeMs()),
                    Types.ROW_NAMED(
                        new String[] {"kind", "event_id", "cart_id", "item_id", "event_time_ms"},
                        Types.STRING,
                        Types.STRING,
                        Types.STRING,
                        Types.STRING,
                        Types.LONG))
                .name("cart-events-to-rows")));
    DataStream<SaleItem> items =
        tableEnv
            .toDataStream(tableEnv.sqlQuery(JOIN_SQL))
            .map(MovieSalesSqlJob::toSaleItem, TypeInformation.of(SaleItem.class))
            .name("rows-to-sale-items");

    SingleOutputStreamOperator<PricedSale> priced =
        items
            .keyBy(SaleItem::itemId)
            .connect(prices(env).keyBy(CatalogPrice::itemId))
            .process(new PriceSaleItems())
            .uid("price-sale-items")
            .name("price-sale-items");
    priced
        .getSideOutput(PriceSaleItems.UNPRICED)
        .sinkTo(unpricedSales)
        .uid(NAME + "-unpriced-sale-items-sink")
        .name("unpriced-sale-items-sink");

    tableEnv.createTemporaryView(
        "priced_sales",
        SqlTables.withRowtime(
            tableEnv,
            priced
                .map(
                    s -> Row.of(s.movieId(), s.units(), s.cents()),
                    Types.ROW_NAMED(
                        new String[] {"movie_id", "units", "cents"},
                        Types.STRING,
                        Types.LONG,
                        Types.LONG))
                .name("priced-sales-to-rows")));
    DataStream<MovieSalesMetric> windows =
        tableEnv
            .toDataStream(tableEnv.sqlQuery(WINDOWS_SQL))
            .map(MovieSalesSqlJob::toMetric, TypeInformation.of(MovieSalesMetric.class))
            .name("rows-to-movie-sales-metrics");
    DataStream<MovieSalesMetric> cumulative =
        windows
            .filter(m -> MovieSalesJob.DAILY.equals(m.windowType()))
            .name("daily-rows")
            .keyBy(MovieSalesMetric::movieId)
            .process(new CumulativeSales())
            .uid("movie-sales-cumulative")
            .name("movie-sales-cumulative");
    windows
        .union(cumulative)
        .sinkTo(metrics)
        .uid(NAME + "-metrics-sink")
        .name("movie-sales-metrics-sink");
  }

  /** The catalogue prices, as in {@link MovieSalesJob}: no watermarks, dead letters out. */
  private DataStream<CatalogPrice> prices(StreamExecutionEnvironment env) {
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
    return prices;
  }

  /** A result row of {@link #JOIN_SQL} as one unit sold. */
  static SaleItem toSaleItem(Row row) {
    return new SaleItem(
        row.<String>getFieldAs("item_id"),
        row.<String>getFieldAs("cart_id"),
        row.<Long>getFieldAs("checkout_ms"),
        row.<String>getFieldAs("add_event_id"));
  }

  /** A result row of {@link #WINDOWS_SQL} as a {@link MovieSalesMetric} (bounds in UTC ms). */
  static MovieSalesMetric toMetric(Row row) {
    return new MovieSalesMetric(
        row.<String>getFieldAs("movie_id"),
        row.<String>getFieldAs("window_type"),
        SqlTables.utcMs(row.<LocalDateTime>getFieldAs("window_start")),
        SqlTables.utcMs(row.<LocalDateTime>getFieldAs("window_end")),
        row.<Long>getFieldAs("total_cents"),
        row.<Long>getFieldAs("units_sold"));
  }

  /**
   * Runs the job on Kafka and the warehouse, every row under engine {@code flink_sql}: beside the
   * DataStream job's {@code flink} rows, never over them, so that the bench can compare the two
   * (SQL {@code EXCEPT} both ways over the closed windows). Dead letters have no engine column and
   * are inserted if absent on their Kafka coordinates, like the DataStream job's.
   *
   * @param args see {@link JobOptions}
   * @throws Exception when the job fails (after the restart strategy gives up)
   */
  public static void main(String[] args) throws Exception {
    JobOptions options = JobOptions.fromArgs(args);
    StreamExecutionEnvironment env = JobEnvironment.create(options);
    new MovieSalesSqlJob(
            options,
            KafkaSources.events(options, NAME, Topic.ADDED_TO_CART, Topic.CHECKOUT_TO_CART),
            KafkaSources.catalog(options, NAME),
            WarehouseSinks.movieSalesMetrics(options.jdbcUrl(), ENGINE),
            WarehouseSinks.unpricedSaleItems(options.jdbcUrl(), ENGINE),
            WarehouseSinks.lateEvents(options.jdbcUrl(), ENGINE),
            WarehouseSinks.deadLetters(options.jdbcUrl()))
        .build(env);
    env.execute(NAME);
  }
}
