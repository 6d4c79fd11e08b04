package io.cinestream.spark.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.window;

import io.cinestream.schemas.warehouse.MetricJob;
import io.cinestream.schemas.warehouse.WindowType;
import java.time.Duration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code user_registration_metrics} on Spark (docs/metrics.md#registration-windows): the number of
 * DISTINCT user_id per UTC-aligned {@code sliding_1h_15m} and {@code tumbling_1h} window.
 *
 * <p>Spark rejects distinct aggregates on streams, so the distinct count is a chain of append-mode
 * stateful operators: watermark + drop repeated event ids ({@link MetricEvents#onTimeDistinct}) ->
 * assign each registration to its four 1 h windows sliding by 15 min -> drop repeated (user_id,
 * window) pairs (state per pair until the watermark passes the window end) -> count rows per
 * window, emitted once when the watermark passes the window end. The tumbling windows [h, h+1h) are
 * exactly the sliding windows that start on the hour, so {@code tumbling_1h} rows are those sliding
 * rows with a second window type (one aggregation instead of two).
 *
 * <p>Late registrations (behind the watermark) are dropped by the first operator and counted only
 * in the query progress ({@code numRowsDroppedByWatermark}); no {@code late_events} row.
 */
public final class RegistrationMetrics {

  /** Query name and late-event job name, as the Flink job's. */
  public static final String NAME = MetricJob.REGISTRATION_METRICS.jobName();

  /** window_type of the hourly tumbling windows. */
  public static final String TUMBLING_1H = WindowType.TUMBLING_1H.sqlName();

  /** window_type of the 1 h windows sliding by 15 min. */
  public static final String SLIDING_1H_15M = WindowType.SLIDING_1H_15M.sqlName();

  private RegistrationMetrics() {}

  /**
   * The distinct-user count per sliding window.
   *
   * @param registrations {@code consumer_registration} rows of {@link MetricEvents#SCHEMA}, not yet
   *     watermarked or deduplicated
   * @param maxOutOfOrderness DESIGN's max_out_of_orderness
   * @return append-mode rows {@code window_start}, {@code window_end} (timestamps) and {@code
   *     registration_count} (long), one per sliding window with at least one registration
   */
  public static Dataset<Row> slidingCounts(Dataset<Row> registrations, Duration maxOutOfOrderness) {
    return MetricEvents.onTimeDistinct(registrations, maxOutOfOrderness)
        .select(col("user_id"), window(col("event_time"), "1 hour", "15 minutes").as("window"))
        .dropDuplicates("user_id", "window")
        .groupBy(col("window"))
        .agg(count(lit(1)).as("registration_count"))
        .select(
            col("window.start").as("window_start"),
            col("window.end").as("window_end"),
            col("registration_count"));
  }

  /**
   * The metric rows of a micro-batch of {@link #slidingCounts}: every row as {@code
   * sliding_1h_15m}, and those starting on the hour also as {@code tumbling_1h}.
   *
   * @param counts rows of {@link #slidingCounts} (a static micro-batch Dataset)
   * @return rows {@code window_type}, {@code window_start}, {@code window_end}, {@code
   *     registration_count}
   */
  public static Dataset<Row> withWindowTypes(Dataset<Row> counts) {
    Dataset<Row> sliding =
        counts.select(
            lit(SLIDING_1H_15M).as("window_type"),
            col("window_start"),
            col("window_end"),
            col("registration_count"));
    Dataset<Row> tumbling =
        counts
            .filter("unix_seconds(window_start) % 3600 = 0") // UTC, whatever the session time zone
            .select(
                lit(TUMBLING_1H).as("window_type"),
                col("window_start"),
                col("window_end"),
                col("registration_count"));
    return sliding.unionByName(tumbling);
  }
}
