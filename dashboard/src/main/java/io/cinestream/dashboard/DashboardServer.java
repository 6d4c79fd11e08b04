package io.cinestream.dashboard;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's HTTP server (Javalin; docs/operations.md#dashboard): the page ({@code /}), its
 * JSON API ({@code /api/...}), the ECharts webjar ({@code /webjars/...}), {@code /metrics} in
 * Prometheus' text format, {@code /healthz} (the process serves) and {@code /readyz} (its first
 * reading of the warehouse and Kafka is done, whatever its outcome).
 *
 * <p>API (all GET, JSON):
 *
 * <ul>
 *   <li>{@code /api/summary}: per engine the newest tick's active sessions and average duration,
 *       freshness per metric, committed consumer lag (per engine and per group), late events, dead
 *       letters, parity mismatches, the errors of the latest reading;
 *   <li>{@code /api/sessions?hours=H} (default 6, 1-336): {engine: [[tick ms, active, avg s]]};
 *   <li>{@code /api/registrations?hours=H} (default 24): {window type: {engine: [[start ms, n]]}};
 *   <li>{@code /api/top-movies}: the newest daily window's top 10 movies by sales;
 *   <li>{@code /api/alerts}: Prometheus' alerts, or why it could not be asked.
 * </ul>
 *
 * A warehouse error answers 503 with {@code {"error": "..."}}; a bad {@code hours} 400.
 */
public final class DashboardServer implements AutoCloseable {

  /** How many movies {@code /api/top-movies} lists. */
  static final int TOP_MOVIES = 10;

  private final Warehouse warehouse;
  private final Monitor monitor;
  private final PrometheusAlerts alerts;
  private final ExpositionFormats formats = ExpositionFormats.init();
  private final Javalin app;

  /**
   * A server not yet listening ({@link #start}).
   *
   * @param warehouse the warehouse reads of the charts
   * @param monitor the gauges ({@code /metrics}, and the figures of {@code /api/summary})
   * @param alerts Prometheus' alerts
   */
  public DashboardServer(Warehouse warehouse, Monitor monitor, PrometheusAlerts alerts) {
    this.warehouse = warehouse;
    this.monitor = monitor;
    this.alerts = alerts;
    this.app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.startupWatcherEnabled = false;
              config.staticFiles.add("/public", Location.CLASSPATH);
              config.staticFiles.enableWebjars();
            });
    app.get("/healthz", ctx -> ctx.result("ok"));
    app.get(
        "/readyz",
        ctx -> {
          if (monitor.hasRead()) {
            ctx.result("ok");
          } else {
            ctx.status(503).result("no reading yet");
          }
        });
    app.get("/metrics", this::metrics);
    app.get("/api/summary", ctx -> ctx.json(summary()));
    app.get("/api/sessions", ctx -> ctx.json(sessions(hours(ctx, 6))));
    app.get("/api/registrations", ctx -> ctx.json(registrations(hours(ctx, 24))));
    app.get("/api/top-movies", ctx -> ctx.json(topMovies()));
    app.get("/api/alerts", ctx -> ctx.json(alerts.read()));
    app.exception(
        SQLException.class,
        (e, ctx) ->
            ctx.status(503).json(Map.of("error", "warehouse not reachable: " + e.getMessage())));
  }

  /**
   * Starts listening.
   *
   * @param host the address to bind (127.0.0.1 locally)
   * @param port the port (0 for any free one)
   * @return this
   */
  public DashboardServer start(String host, int port) {
    app.start(host, port);
    return this;
  }

  /**
   * The port listened on.
   *
   * @return the bound port (after {@link #start})
   */
  public int port() {
    return app.port();
  }

  private static int hours(Context ctx, int fallback) {
    return ctx.queryParamAsClass("hours", Integer.class)
        .check(h -> h >= 1 && h <= 24 * 14, "hours must be 1-336")
        .getOrDefault(fallback);
  }

  private void metrics(Context ctx) throws IOException {
    ExpositionFormatWriter writer = formats.findWriter(ctx.header("Accept"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writer.write(out, monitor.registry().scrape());
    ctx.contentType(writer.getContentType()).result(out.toByteArray());
  }

  /** The figures of the page's header and tables (see the class comment). */
  Map<String, Object> summary() throws SQLException {
    Monitor.Reading r = monitor.reading();
    Map<String, Object> engines = new LinkedHashMap<>();
    for (Warehouse.SessionPoint p : warehouse.latestSessions()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("tick", p.tick().toString());
      e.put("activeSessions", p.activeSessions());
      e.put("averageSessionDurationS", p.averageDurationS());
      engines.put(p.engine(), e);
    }
    Map<String, Object> freshness = new LinkedHashMap<>();
    r.newestClosed()
        .forEach(
            (engine, metrics) -> {
              Map<String, Object> f = new LinkedHashMap<>();
              metrics.keySet().forEach(m -> f.put(m, r.freshnessSeconds(engine, m)));
              freshness.put(engine, f);
            });
    Map<String, Long> lagByGroup = new LinkedHashMap<>();
    Map<String, Long> lagByEngine = new LinkedHashMap<>();
    for (ConsumerLag.Lag l : r.lag()) {
      lagByGroup.merge(l.group(), l.records(), Long::sum);
      String engine = ConsumerLag.engineOf(l.group());
      if (engine != null) {
        lagByEngine.merge(engine, l.records(), Long::sum);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("readAt", r.at().toString());
    out.put("sessions", engines);
    out.put("freshnessSeconds", freshness);
    out.put("consumerLag", lagByEngine);
    out.put("consumerLagByGroup", lagByGroup);
    out.put("lateEvents", r.lateEvents());
    out.put("deadLetters", r.deadLetters());
    out.put("parityMismatches", r.parityMismatches());
    List<String> errors = new ArrayList<>();
    if (r.warehouseError() != null) {
      errors.add(r.warehouseError());
    }
    if (r.kafkaError() != null) {
      errors.add(r.kafkaError());
    }
    out.put("errors", errors);
    return out;
  }

  /** Active sessions and average duration per engine: {engine: [[tickMillis, active, avg]]}. */
  Map<String, List<Object[]>> sessions(int hours) throws SQLException {
    Map<String, List<Object[]>> out = new LinkedHashMap<>();
    for (Warehouse.SessionPoint p : warehouse.sessions(hours)) {
      out.computeIfAbsent(p.engine(), e -> new ArrayList<>())
          .add(new Object[] {p.tick().toEpochMilli(), p.activeSessions(), p.averageDurationS()});
    }
    return out;
  }

  /** Registrations: {windowType: {engine: [[windowStartMillis, count]]}}. */
  Map<String, Map<String, List<long[]>>> registrations(int hours) throws SQLException {
    Map<String, Map<String, List<long[]>>> out = new LinkedHashMap<>();
    for (Warehouse.RegistrationPoint p : warehouse.registrations(hours)) {
      out.computeIfAbsent(p.windowType(), w -> new LinkedHashMap<>())
          .computeIfAbsent(p.engine(), e -> new ArrayList<>())
          .add(new long[] {p.windowStart().toEpochMilli(), p.count()});
    }
    return out;
  }

  /** The newest daily window's top movies: {engine, windowStart, windowEnd, movies: [...]}. */
  Map<String, Object> topMovies() throws SQLException {
    Optional<Warehouse.TopMovies> top = warehouse.topMovies(TOP_MOVIES);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("engine", top.map(Warehouse.TopMovies::engine).orElse(null));
    out.put("windowStart", top.map(t -> t.windowStart().toString()).orElse(null));
    out.put("windowEnd", top.map(t -> t.windowEnd().toString()).orElse(null));
    out.put("movies", top.map(Warehouse.TopMovies::movies).orElse(List.of()));
    return out;
  }

  @Override
  public void close() {
    app.stop();
  }
}
