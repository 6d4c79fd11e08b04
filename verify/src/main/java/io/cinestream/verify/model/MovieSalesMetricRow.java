package io.cinestream.verify.model;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A movie_sales_metrics row (docs/metrics.md#movie-sales), without engine and emitted_at.
 *
 * @param movieId the catalogue item id
 * @param windowType {@code daily}, {@code weekly} or {@code cumulative}
 * @param windowStart inclusive window start (UTC)
 * @param windowEnd exclusive window end (UTC)
 * @param totalSales dollars, scale 2, from integer cents
 * @param unitsSold units sold
 */
public record MovieSalesMetricRow(
    String movieId,
    String windowType,
    Instant windowStart,
    Instant windowEnd,
    BigDecimal totalSales,
    long unitsSold) {}
