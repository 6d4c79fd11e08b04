package io.cinestream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cinestream.testsupport.LocalStack;
import io.cinestream.testsupport.LocalStackExtension;
import io.javalin.Javalin;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The JSON API and /metrics against a real PostgreSQL holding the rows of {@link KnownWarehouse};
 * every expected figure is worked out from those rows in the comments.
 */
@ExtendWith(LocalStackExtension.class)
class DashboardApiTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static DashboardServer server;

  @BeforeAll
  static void start(LocalStack stack) throws Exception {
    String jdbcUrl = stack.newWarehouseDatabase();
    KnownWarehouse.fill(jdbcUrl);
    // As deployed: the URL without the password, which comes from the environment.
    Warehouse warehouse =
        new Warehouse(
            LocalStack.withoutPassword(jdbcUrl),
            Map.of("CINESTREAM_JDBC_PASSWORD", stack.warehousePassword()));
    Monitor monitor = new Monitor(warehouse, null, KnownWarehouse.CLOCK);
    monitor.refresh();
    server =
        new DashboardServer(
                warehouse, monitor, new PrometheusAlerts("http://127.0.0.1:" + freePort()))
            .start("127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(String path) throws Exception {
    HttpResponse<String> r = get(server.port(), path);
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void summaryShowsEachEnginesNewestTickAndLeavesTheReferenceOut() throws Exception {
    JsonNode s = json("/api/summary");
    // Newest ticks: flink 12:01 (7 active, avg 150 s), spark 12:01 (6); the reference's 12:02 is
    // not an engine of the page.
    assertThat(s.at("/sessions/flink/activeSessions").asLong()).isEqualTo(7);
    assertThat(s.at("/sessions/flink/averageSessionDurationS").asDouble()).isEqualTo(150.0);
    assertThat(s.at("/sessions/flink/tick").asText()).isEqualTo("2024-01-01T12:01:00Z");
    assertThat(s.at("/sessions/spark/activeSessions").asLong()).isEqualTo(6);
    assertThat(s.get("sessions").size()).isEqualTo(2);
    assertThat(s.at("/lateEvents/flink").asLong()).isEqualTo(2);
    assertThat(s.at("/lateEvents/spark").asLong()).isEqualTo(1);
    assertThat(s.get("lateEvents").has("reference")).isFalse();
    assertThat(s.at("/deadLetters/BAD_MAGIC_BYTE").asLong()).isEqualTo(2);
    assertThat(s.at("/deadLetters/BAD_AVRO").asLong()).isEqualTo(1);
    assertThat(s.get("errors").size()).isEqualTo(0);
    // No Kafka given: no lag at all (not zero).
    assertThat(s.get("consumerLag").size()).isEqualTo(0);
  }

  @Test
  void freshnessIsTheAgeOfTheNewestClosedTickOrWindow() throws Exception {
    JsonNode f = json("/api/summary").get("freshnessSeconds");
    // Clock 12:05. Sessions: tick 12:01 -> 240 s. Tumbling: end 11:00 -> 3,900 s (flink_sql's
    // 12:00 is left out). Sliding: end 10:45 -> 4,800 s. Sales: Spark's 2024-01-01 window ends
    // tomorrow (still open), so both engines' newest closed day ends 2024-01-01T00:00 -> 43,500 s.
    assertThat(f.at("/flink/session").asDouble()).isEqualTo(240.0);
    assertThat(f.at("/spark/session").asDouble()).isEqualTo(240.0);
    assertThat(f.at("/flink/registration_tumbling").asDouble()).isEqualTo(3900.0);
    assertThat(f.at("/spark/registration_tumbling").asDouble()).isEqualTo(3900.0);
    assertThat(f.at("/flink/registration_sliding").asDouble()).isEqualTo(4800.0);
    assertThat(f.at("/flink/movie_sales").asDouble()).isEqualTo(43500.0);
    assertThat(f.at("/spark/movie_sales").asDouble()).isEqualTo(43500.0);
    assertThat(f.has("reference")).isFalse();
    assertThat(f.has("flink_sql")).isFalse();
  }

  @Test
  void parityCountsClosedWindowsWhereFlinkAndSparkDiffer() throws Exception {
    JsonNode p = json("/api/summary").get("parityMismatches");
    // 12:01 differs (7 vs 6), 12:00 agrees; sliding 09:45 differs (2 vs 1); tumbling 10:00 agrees
    // (3 = 3); sales m1 2023-12-31 agrees; Spark's open day has no Flink row to compare with.
    assertThat(p.get("session").asLong()).isEqualTo(1);
    assertThat(p.get("registration_sliding").asLong()).isEqualTo(1);
    assertThat(p.get("registration_tumbling").asLong()).isEqualTo(0);
    assertThat(p.get("movie_sales").asLong()).isEqualTo(0);
  }

  @Test
  void chartSeriesPerEngine() throws Exception {
    // hours=1: ticks after 12:01 - 1 h, i.e. both of each engine; [tick ms, active, avg s].
    JsonNode sessions = json("/api/sessions?hours=1");
    assertThat(sessions.at("/flink/0/0").asLong()).isEqualTo(1704110400000L); // 12:00Z
    assertThat(sessions.at("/flink/0/1").asLong()).isEqualTo(5);
    assertThat(sessions.at("/flink/1/1").asLong()).isEqualTo(7);
    assertThat(sessions.at("/flink/1/2").asDouble()).isEqualTo(150.0);
    assertThat(sessions.at("/spark/1/1").asLong()).isEqualTo(6);
    assertThat(sessions.has("reference")).isFalse();
    JsonNode reg = json("/api/registrations");
    assertThat(reg.at("/tumbling_1h/flink/0/0").asLong()).isEqualTo(1704103200000L); // 10:00Z
    assertThat(reg.at("/tumbling_1h/flink/0/1").asLong()).isEqualTo(3);
    assertThat(reg.at("/tumbling_1h/flink").size()).isEqualTo(1);
    assertThat(reg.get("tumbling_1h").has("flink_sql")).isFalse();
    assertThat(reg.at("/sliding_1h_15m/spark/0/0").asLong()).isEqualTo(1704102300000L); // 09:45Z
    assertThat(reg.at("/sliding_1h_15m/spark/0/1").asLong()).isEqualTo(1);
  }

  @Test
  void topMoviesOfTheNewestDailyWindow() throws Exception {
    JsonNode top = json("/api/top-movies");
    // The newest day is Spark's open 2024-01-01: Two (39.98) before One (19.99); 2023-12-31's
    // 99.95 is an older day.
    assertThat(top.get("engine").asText()).isEqualTo("spark");
    assertThat(top.get("windowStart").asText()).isEqualTo("2024-01-01T00:00:00Z");
    assertThat(top.get("movies").size()).isEqualTo(2);
    assertThat(top.at("/movies/0/title").asText()).isEqualTo("Two");
    assertThat(top.at("/movies/0/totalSales").decimalValue()).isEqualByComparingTo("39.98");
    assertThat(top.at("/movies/0/unitsSold").asLong()).isEqualTo(2);
    assertThat(top.at("/movies/1/movieId").asText()).isEqualTo("m1");
  }

  @Test
  void badHoursIsABadRequest() throws Exception {
    assertThat(get(server.port(), "/api/sessions?hours=0").statusCode()).isEqualTo(400);
    assertThat(get(server.port(), "/api/sessions?hours=x").statusCode()).isEqualTo(400);
  }

  @Test
  void alertsSayPrometheusIsNotReachable() throws Exception {
    JsonNode a = json("/api/alerts");
    assertThat(a.get("reachable").asBoolean()).isFalse();
    assertThat(a.get("error").asText()).startsWith("Prometheus not reachable at http://127.0.0.1:");
    assertThat(a.get("alerts").size()).isEqualTo(0);
  }

  @Test
  void alertsFromPrometheusFiringFirst() throws Exception {
    // The body of Prometheus' GET /api/v1/alerts (its HTTP API documentation's format).
    String body =
        "{\"status\":\"success\",\"data\":{\"alerts\":["
            + "{\"labels\":{\"alertname\":\"CinestreamTargetDown\",\"job\":\"spark\"},"
            + "\"state\":\"pending\",\"activeAt\":\"2024-01-01T12:00:00Z\",\"value\":\"0e+00\"},"
            + "{\"labels\":{\"alertname\":\"CinestreamSessionMetricsStale\",\"engine\":\"flink\"},"
            + "\"state\":\"firing\",\"activeAt\":\"2024-01-01T11:58:00Z\",\"value\":\"3.1e+02\"}"
            + "]}}";
    Javalin prometheus =
        Javalin.create(c -> c.showJavalinBanner = false)
            .get("/api/v1/alerts", ctx -> ctx.contentType("application/json").result(body))
            .start("127.0.0.1", 0);
    try {
      PrometheusAlerts.Result r =
          new PrometheusAlerts("http://127.0.0.1:" + prometheus.port() + "/").read();
      assertThat(r.reachable()).isTrue();
      assertThat(r.alerts())
          .extracting(PrometheusAlerts.Alert::name, PrometheusAlerts.Alert::state)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("CinestreamSessionMetricsStale", "firing"),
              org.assertj.core.groups.Tuple.tuple("CinestreamTargetDown", "pending"));
      assertThat(r.alerts().get(0).labels()).containsEntry("engine", "flink");
      assertThat(r.alerts().get(0).activeAt()).isEqualTo("2024-01-01T11:58:00Z");
    } finally {
      prometheus.stop();
    }
  }

  @Test
  void pageAndChartLibraryServedFromTheJar() throws Exception {
    HttpResponse<String> page = get(server.port(), "/");
    assertThat(page.statusCode()).isEqualTo(200);
    String script = page.body().replaceAll("(?s).*<script src=\"(/webjars/[^\"]+)\".*", "$1");
    assertThat(script).startsWith("/webjars/echarts/").endsWith("/dist/echarts.min.js");
    HttpResponse<String> echarts = get(server.port(), script);
    assertThat(echarts.statusCode()).isEqualTo(200);
    assertThat(echarts.body()).contains("echarts");
    assertThat(get(server.port(), "/dashboard.js").statusCode()).isEqualTo(200);
  }

  @Test
  void metricsInPrometheusTextFormat() throws Exception {
    HttpResponse<String> r = get(server.port(), "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(r.body())
        .contains("# TYPE cinestream_metric_freshness_seconds gauge")
        .contains("cinestream_metric_freshness_seconds{engine=\"flink\",metric=\"session\"} 240.0")
        .contains(
            "cinestream_metric_freshness_seconds{engine=\"spark\",metric=\"registration_tumbling\"}"
                + " 3900.0")
        .contains(
            "cinestream_metric_freshness_seconds{engine=\"spark\",metric=\"movie_sales\"} 43500.0")
        .contains("# TYPE cinestream_late_events_total counter")
        .contains("cinestream_late_events_total{engine=\"flink\"} 2.0")
        .contains("cinestream_late_events_total{engine=\"spark\"} 1.0")
        .contains("cinestream_dead_letters_total{reason=\"BAD_MAGIC_BYTE\"} 2.0")
        .contains("cinestream_dead_letters_total{reason=\"BAD_AVRO\"} 1.0")
        .contains("cinestream_raw_events_total{table=\"consumer_events\"} 1.0")
        .contains("cinestream_raw_events_total{table=\"cart_events\"} 0.0")
        .contains("cinestream_parity_mismatches{metric=\"session\"} 1.0")
        .contains("cinestream_parity_mismatches{metric=\"registration_tumbling\"} 0.0")
        .doesNotContain("engine=\"reference\"")
        .doesNotContain("engine=\"flink_sql\"");
  }

  @Test
  void aWarehouseThatDoesNotAnswerLeavesTheGaugesEmptyAndSaysWhy() throws Exception {
    Warehouse gone =
        new Warehouse(
            "jdbc:postgresql://127.0.0.1:" + freePort() + "/cinestream?user=cinestream", Map.of());
    Monitor monitor = new Monitor(gone, null, KnownWarehouse.CLOCK);
    try (DashboardServer down =
        new DashboardServer(gone, monitor, new PrometheusAlerts("http://127.0.0.1:1"))
            .start("127.0.0.1", 0)) {
      assertThat(get(down.port(), "/healthz").statusCode()).isEqualTo(200);
      // Not ready before the first reading, ready after it even though the warehouse is gone.
      assertThat(get(down.port(), "/readyz").statusCode()).isEqualTo(503);
      Monitor.Reading r = monitor.refresh();
      assertThat(get(down.port(), "/readyz").statusCode()).isEqualTo(200);
      assertThat(r.warehouseError()).startsWith("warehouse not reachable: ");
      assertThat(r.newestClosed()).isEmpty();
      HttpResponse<String> metrics = get(down.port(), "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).doesNotContain("cinestream_metric_freshness_seconds{");
      HttpResponse<String> summary = get(down.port(), "/api/summary");
      assertThat(summary.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(summary.body()).get("error").asText())
          .startsWith("warehouse not reachable: ");
    }
  }
}
