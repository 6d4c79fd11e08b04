package io.cinestream.verify;

import io.cinestream.schemas.warehouse.WindowType;
import io.cinestream.verify.model.MovieSalesMetricRow;
import io.cinestream.verify.model.RawEvent;
import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reference movie_sales_metrics (docs/metrics.md#movie-sales).
 *
 * <p>A sale is one unit of each added_to_cart of a cart whose add time is in [checkout - 24 h,
 * checkout] of a checkout_to_cart of the same cart_id, at the item's catalogue list price; items
 * without a price are not sales. A sale belongs to its checkout time. Duplicate events (same
 * event_id) are dropped first, so a re-delivered checkout counts once; two distinct checkouts of
 * one cart each join the adds within their own 24 h (an add can then be sold twice, as in the Flink
 * job).
 *
 * <p>Rows: {@code daily} (UTC day), {@code weekly} (ISO week from Monday 00:00 UTC) and {@code
 * cumulative} (for each UTC day D on which the movie sold: D's bounds and the running total of all
 * its sales up to the end of D). Only windows with at least one sale produce a row; totals are
 * dollars at scale 2 from integer cents.
 */
public final class SalesReference {

  /** Window type of UTC days. */
  public static final String DAILY = WindowType.DAILY.sqlName();

  /** Window type of ISO weeks. */
  public static final String WEEKLY = WindowType.WEEKLY.sqlName();

  /** Window type of the per-day running totals. */
  public static final String CUMULATIVE = WindowType.CUMULATIVE.sqlName();

  private static final long JOIN_WINDOW_MS = Duration.ofHours(24).toMillis();

  private record Add(long time, String itemId) {}

  /** Cents and units of one movie in one window. */
  private static final class Totals {
    private long cents;
    private long units;
  }

  private SalesReference() {}

  /**
   * Computes the rows.
   *
   * @param events raw events in any order; only added_to_cart and checkout_to_cart are used
   * @param listPriceCents catalogue list price in cents per item id; items absent (or mapped to
   *     null) are not sales
   * @return daily, then weekly, then cumulative rows, each by movie id and window start
   */
  public static List<MovieSalesMetricRow> compute(
      List<RawEvent> events, Map<String, Long> listPriceCents) {
    List<RawEvent> distinct = Deduplication.distinctByEventId(events);
    Map<String, List<Add>> addsByCart = new HashMap<>();
    for (RawEvent e : distinct) {
      if (RawEvent.ADDED_TO_CART.equals(e.eventName()) && e.itemId() != null) {
        addsByCart
            .computeIfAbsent(e.cartId(), k -> new ArrayList<>())
            .add(new Add(e.eventTime().toEpochMilli(), e.itemId()));
      }
    }

    // movie -> window start (epoch day / Monday's epoch day) -> totals
    Map<String, TreeMap<Long, Totals>> daily = new TreeMap<>();
    Map<String, TreeMap<Long, Totals>> weekly = new TreeMap<>();
    for (RawEvent checkout : distinct) {
      if (!RawEvent.CHECKOUT.equals(checkout.eventName())) {
        continue;
      }
      long tc = checkout.eventTime().toEpochMilli();
      LocalDate day = LocalDate.ofInstant(checkout.eventTime(), ZoneOffset.UTC);
      LocalDate monday = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      for (Add add : addsByCart.getOrDefault(checkout.cartId(), List.of())) {
        Long price = listPriceCents.get(add.itemId());
        if (price == null || add.time() > tc || add.time() < tc - JOIN_WINDOW_MS) {
          continue;
        }
        accumulate(daily, add.itemId(), day.toEpochDay(), price);
        accumulate(weekly, add.itemId(), monday.toEpochDay(), price);
      }
    }

    List<MovieSalesMetricRow> rows = new ArrayList<>();
    daily.forEach(
        (movie, days) ->
            days.forEach((d, tot) -> rows.add(row(movie, DAILY, d, d + 1, tot.cents, tot.units))));
    weekly.forEach(
        (movie, weeks) ->
            weeks.forEach(
                (w, tot) -> rows.add(row(movie, WEEKLY, w, w + 7, tot.cents, tot.units))));
    daily.forEach(
        (movie, days) -> {
          long cents = 0;
          long units = 0;
          for (Map.Entry<Long, Totals> d : days.entrySet()) {
            cents += d.getValue().cents;
            units += d.getValue().units;
            rows.add(row(movie, CUMULATIVE, d.getKey(), d.getKey() + 1, cents, units));
          }
        });
    return rows;
  }

  private static void accumulate(
      Map<String, TreeMap<Long, Totals>> windows, String movie, long start, long cents) {
    Totals t =
        windows
            .computeIfAbsent(movie, k -> new TreeMap<>())
            .computeIfAbsent(start, k -> new Totals());
    t.cents += cents;
    t.units++;
  }

  private static MovieSalesMetricRow row(
      String movie, String type, long startDay, long endDay, long cents, long units) {
    return new MovieSalesMetricRow(
        movie, type, dayStart(startDay), dayStart(endDay), BigDecimal.valueOf(cents, 2), units);
  }

  private static Instant dayStart(long epochDay) {
    return LocalDate.ofEpochDay(epochDay).atStartOfDay(ZoneOffset.UTC).toInstant();
  }
}
