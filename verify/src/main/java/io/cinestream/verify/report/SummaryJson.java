package io.cinestream.verify.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cinestream.verify.Verifier;
import io.cinestream.verify.report.ReportData.DaySales;
import io.cinestream.verify.report.ReportData.MovieSales;
import io.cinestream.verify.report.ReportData.SessionTick;
import io.cinestream.verify.report.ReportData.Timing;
import io.cinestream.verify.report.ReportData.WindowCount;
import java.util.List;
import java.util.Locale;

/**
 * summary.json: the report's figures as JSON, the same numbers index.html shows. Times are ISO-8601
 * UTC strings, money is a JSON number in dollars with 2 decimals, durations are seconds. Top-level
 * keys: run_id, generated_at, parameters, engines, table_counts, late_events, registrations,
 * sessions, top_movies, daily_sales, parity (verdict {@code ok}, {@code differences} or {@code
 * not_compared}, per-metric counts and up to {@link #MAX_DIFFERENCES} difference lines), timings,
 * charts.
 */
public final class SummaryJson {

  /** Difference lines kept per metric (the CLI's limit). */
  public static final int MAX_DIFFERENCES = 20;

  private static final JsonNodeFactory JSON = JsonNodeFactory.withExactBigDecimals(true);

  private SummaryJson() {}

  /**
   * Builds the summary.
   *
   * @param data the report's data
   * @param chartFiles the chart file names written beside index.html
   * @return the JSON tree
   */
  public static ObjectNode build(ReportData data, List<String> chartFiles) {
    ObjectNode root = JSON.objectNode();
    root.put("run_id", data.runId());
    root.put("generated_at", data.generatedAt().toString());
    ObjectNode parameters = root.putObject("parameters");
    data.parameters().forEach(parameters::put);
    ArrayNode engines = root.putArray("engines");
    data.engines().forEach(engines::add);
    ObjectNode counts = root.putObject("table_counts");
    data.tableCounts().forEach(counts::put);
    ObjectNode late = root.putObject("late_events");
    data.lateEvents().forEach(late::put);

    ObjectNode registrations = root.putObject("registrations");
    data.registrations()
        .forEach(
            (type, byEngine) -> {
              ObjectNode typeNode = registrations.putObject(type);
              byEngine.forEach((engine, windows) -> typeNode.set(engine, registrations(windows)));
            });

    ObjectNode sessions = root.putObject("sessions");
    data.sessions().forEach((engine, ticks) -> sessions.set(engine, sessions(ticks)));

    ObjectNode top = root.putObject("top_movies");
    top.put("ranked_by", data.topMovies().rankedBy());
    ArrayNode movies = top.putArray("movies");
    for (MovieSales m : data.topMovies().movies()) {
      ObjectNode node = movies.addObject();
      node.put("rank", m.rank());
      node.put("movie_id", m.movieId());
      node.put("title", m.title());
      ObjectNode totals = node.putObject("total_sales");
      m.totalSales().forEach(totals::put);
      ObjectNode units = node.putObject("units_sold");
      m.unitsSold().forEach(units::put);
    }

    ObjectNode daily = root.putObject("daily_sales");
    data.dailySales()
        .forEach(
            (engine, days) -> {
              ArrayNode list = daily.putArray(engine);
              for (DaySales d : days) {
                ObjectNode node = list.addObject();
                node.put("day", d.day().toString());
                node.put("total_sales", d.totalSales());
                node.put("units_sold", d.unitsSold());
              }
            });

    root.set("parity", parity(data.parity()));

    ObjectNode timings = root.putObject("timings");
    ArrayNode steps = timings.putArray("steps");
    double total = 0;
    for (Timing t : data.timings()) {
      steps.addObject().put("step", t.step()).put("seconds", t.seconds());
      total += t.seconds();
    }
    timings.put("total_seconds", total);

    ArrayNode charts = root.putArray("charts");
    chartFiles.forEach(charts::add);
    return root;
  }

  private static ObjectNode registrations(List<WindowCount> windows) {
    ObjectNode node = JSON.objectNode();
    node.put("windows", windows.size());
    node.put(
        "total_registrations", windows.stream().mapToLong(WindowCount::registrationCount).sum());
    node.put(
        "max_registrations",
        windows.stream().mapToLong(WindowCount::registrationCount).max().orElse(0));
    ArrayNode series = node.putArray("series");
    for (WindowCount w : windows) {
      series
          .addObject()
          .put("window_start", w.windowStart().toString())
          .put("registration_count", w.registrationCount());
    }
    return node;
  }

  private static ObjectNode sessions(List<SessionTick> ticks) {
    ObjectNode node = JSON.objectNode();
    node.put("ticks", ticks.size());
    node.put("first_tick", ticks.isEmpty() ? null : ticks.get(0).timestamp().toString());
    node.put(
        "last_tick", ticks.isEmpty() ? null : ticks.get(ticks.size() - 1).timestamp().toString());
    SessionTick peak = null;
    for (SessionTick t : ticks) {
      if (peak == null || t.activeSessions() > peak.activeSessions()) {
        peak = t;
      }
    }
    node.put("max_active_sessions", peak == null ? 0 : peak.activeSessions());
    node.put("max_active_at", peak == null ? null : peak.timestamp().toString());
    ArrayNode series = node.putArray("series");
    for (SessionTick t : ticks) {
      series
          .addObject()
          .put("timestamp", t.timestamp().toString())
          .put("active_sessions_count", t.activeSessions())
          .put("average_session_duration_s", t.averageSessionDurationS());
    }
    return node;
  }

  private static ObjectNode parity(Verifier.Comparison comparison) {
    ObjectNode node = JSON.objectNode();
    node.put("verdict", verdictName(comparison.verdict()));
    ArrayNode metrics = node.putArray("metrics");
    for (Verifier.MetricReport r : comparison.metrics()) {
      ObjectNode m = metrics.addObject();
      m.put("metric", r.metric());
      ArrayNode run = m.putArray("run");
      r.run().forEach(run::add);
      ArrayNode notRun = m.putArray("not_run");
      r.notRun().forEach(notRun::add);
      m.put("compared", r.compared());
      m.put("equal", r.equal());
      m.put("different", r.different());
      ObjectNode missing = m.putObject("missing");
      r.missing().forEach(missing::put);
      m.put("differences_total", r.differences().size());
      ArrayNode lines = m.putArray("differences");
      r.differences().stream().limit(MAX_DIFFERENCES).forEach(lines::add);
    }
    return node;
  }

  /**
   * @param verdict a comparison verdict
   * @return its name in summary.json and index.html: {@code ok}, {@code differences} or {@code
   *     not_compared}
   */
  public static String verdictName(Verifier.Verdict verdict) {
    return verdict.name().toLowerCase(Locale.ROOT);
  }
}
