package io.cinestream.verify.report;

import io.cinestream.verify.Verifier;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Everything the run report shows, read from the warehouse (and the timings file) once; the charts,
 * index.html and summary.json are all drawn from this one value, so they show the same figures.
 *
 * <p>Engine maps hold only the engines with rows, in {@link Verifier#ENGINES} order (flink, spark,
 * reference); time series are in ascending time order.
 *
 * @param runId the run's id (the report directory's name by default)
 * @param generatedAt when the report was written (UTC)
 * @param parameters run parameters as given (e.g. users, hours, seed), in the order given
 * @param engines engines with at least one metric row, in {@link Verifier#ENGINES} order
 * @param tableCounts row count per raw table, dead-letter and catalogue tables, in {@link
 *     ReportReader#COUNTED_TABLES} order
 * @param lateEvents per engine, its rows in late_events (events behind its watermark)
 * @param registrations window type ({@code tumbling_1h}, {@code sliding_1h_15m}) to engine to its
 *     windows
 * @param sessions engine to its session_metrics ticks
 * @param topMovies the best-selling movies by cumulative sales
 * @param dailySales engine to the sum of its {@code daily} movie_sales_metrics rows per UTC day
 * @param parity the flink/spark/reference comparison of {@link Verifier}
 * @param timings the pipeline's steps with their durations, in run order (empty when not given)
 */
public record ReportData(
    String runId,
    Instant generatedAt,
    Map<String, String> parameters,
    List<String> engines,
    Map<String, Long> tableCounts,
    Map<String, Long> lateEvents,
    Map<String, Map<String, List<WindowCount>>> registrations,
    Map<String, List<SessionTick>> sessions,
    TopMovies topMovies,
    Map<String, List<DaySales>> dailySales,
    Verifier.Comparison parity,
    List<Timing> timings) {

  /**
   * One registration window of one engine.
   *
   * @param windowStart window start (UTC)
   * @param registrationCount distinct registering users in the window
   */
  public record WindowCount(Instant windowStart, long registrationCount) {}

  /**
   * One session_metrics tick of one engine.
   *
   * @param timestamp the minute tick (UTC)
   * @param activeSessions sessions open at the tick
   * @param averageSessionDurationS mean duration in seconds of the sessions closed by sign-out in
   *     the hour before the tick; null when none closed
   */
  public record SessionTick(
      Instant timestamp, long activeSessions, Double averageSessionDurationS) {}

  /**
   * One movie's final cumulative sales on each engine that sold it.
   *
   * @param rank 1-based rank by the ranking engine's total (ties by movie id)
   * @param movieId catalogue item_id
   * @param title catalogue title; the movie id when the catalogue has no such item
   * @param totalSales engine to total sales in dollars (2 decimals)
   * @param unitsSold engine to units sold
   */
  public record MovieSales(
      int rank,
      String movieId,
      String title,
      Map<String, BigDecimal> totalSales,
      Map<String, Long> unitsSold) {}

  /**
   * The top movies by sales.
   *
   * @param rankedBy the engine whose totals rank the movies: the first of flink, spark, reference
   *     with sales rows; null when no engine has any
   * @param movies at most {@link ReportReader#TOP_MOVIES} movies, best first
   */
  public record TopMovies(String rankedBy, List<MovieSales> movies) {}

  /**
   * The sales of one UTC day on one engine, over all movies.
   *
   * @param day the UTC day
   * @param totalSales dollars (2 decimals)
   * @param unitsSold units
   */
  public record DaySales(LocalDate day, BigDecimal totalSales, long unitsSold) {}

  /**
   * One pipeline step and how long it took.
   *
   * @param step the step's name as the pipeline prints it
   * @param seconds wall-clock duration in seconds, at least 0
   */
  public record Timing(String step, double seconds) {}
}
