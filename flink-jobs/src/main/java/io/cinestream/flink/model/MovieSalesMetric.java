package io.cinestream.flink.model;

import java.math.BigDecimal;

/**
 * A row of {@code movie_sales_metrics} (docs/metrics.md#movie-sales).
 *
 * @param movieId the product key
 * @param windowType {@code daily}, {@code weekly} or {@code cumulative}
 * @param windowStartMs inclusive start, UTC ms (UTC midnight; Monday 00:00 UTC for weekly)
 * @param windowEndMs exclusive end, UTC ms
 * @param totalCents sales in integer cents (the cumulative total up to windowEnd for cumulative)
 * @param unitsSold units sold
 */
public record MovieSalesMetric(
    String movieId,
    String windowType,
    long windowStartMs,
    long windowEndMs,
    long totalCents,
    long unitsSold) {

  /** {@code total_sales}: NUMERIC(18,2) dollars computed exactly from the integer cents. */
  public BigDecimal totalSales() {
    return BigDecimal.valueOf(totalCents, 2);
  }
}
