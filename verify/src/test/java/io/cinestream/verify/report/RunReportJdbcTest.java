package io.cinestream.verify.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.cinestream.testsupport.LocalStack;
import io.cinestream.testsupport.LocalStackExtension;
import io.cinestream.verify.VerifyCli;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code verify report} against a real PostgreSQL with the warehouse migrations and a small
 * hand-made set of raw and metric rows: flink and reference agree everywhere, spark has only the
 * registration windows (it ran no other job), so every figure below is worked out from the inserts.
 */
@ExtendWith(LocalStackExtension.class)
class RunReportJdbcTest {

  @TempDir Path out;
  private static String jdbcUrl;

  @BeforeAll
  static void startWarehouse(LocalStack stack) throws Exception {
    jdbcUrl = stack.newWarehouseDatabase();
    sql(
        "INSERT INTO consumer_events (event_id, event_name, user_id, event_time, kafka_topic,"
            + " kafka_partition, kafka_offset) VALUES"
            + " ('00000000-0000-4000-8000-000000000001', 'consumer_registration', 1,"
            + "  '2024-01-01T10:05:00Z', 'consumer_registration', 0, 1),"
            + " ('00000000-0000-4000-8000-000000000002', 'consumer_registration', 2,"
            + "  '2024-01-01T10:50:00Z', 'consumer_registration', 0, 2),"
            + " ('00000000-0000-4000-8000-000000000003', 'consumer_registration', 3,"
            + "  '2024-01-01T11:10:00Z', 'consumer_registration', 0, 3)");
    sql(
        "INSERT INTO dead_letter_events (kafka_topic, kafka_partition, kafka_offset, error) VALUES"
            + " ('sign_in', 0, 7, 'bad magic byte'), ('sign_out', 0, 9, 'unknown schema id')");
    // A title with markup: the page must show it as text.
    sql(
        "INSERT INTO movies_catalog (item_id, title, list_price_cents) VALUES"
            + " ('m1', '<b>Bold</b> & Co', 1000), ('m2', 'Two', 1500)");
    for (String engine : List.of("flink", "reference")) {
      String e = "'" + engine + "'";
      sql(
          "INSERT INTO user_registration_metrics (engine, window_type, window_start, window_end,"
              + " registration_count) VALUES"
              + " ("
              + e
              + ", 'tumbling_1h', '2024-01-01T10:00Z', '2024-01-01T11:00Z', 2),"
              + " ("
              + e
              + ", 'tumbling_1h', '2024-01-01T11:00Z', '2024-01-01T12:00Z', 1),"
              + " ("
              + e
              + ", 'sliding_1h_15m', '2024-01-01T10:00Z', '2024-01-01T11:00Z', 2)");
      sql(
          "INSERT INTO session_metrics (engine, \"timestamp\", active_sessions_count,"
              + " average_session_duration_s, average_active_session_age_s, completed_sessions)"
              + " VALUES ("
              + e
              + ", '2024-01-01T12:00Z', 1, NULL, 0, 0), ("
              + e
              + ", '2024-01-01T12:01Z', 3, 90, 20, 1), ("
              + e
              + ", '2024-01-01T12:02Z', 2, 120, 70, 2)");
      sql(
          "INSERT INTO movie_sales_metrics (engine, window_type, movie_id, window_start,"
              + " window_end, total_sales, units_sold) VALUES"
              + row(e, "cumulative", "m1", "2024-01-01", "10.00", 1)
              + ","
              + row(e, "cumulative", "m1", "2024-01-02", "25.00", 2)
              + ","
              + row(e, "cumulative", "m2", "2024-01-01", "30.00", 2)
              + ","
              + row(e, "cumulative", "m3", "2024-01-02", "5.00", 1)
              + ","
              + row(e, "daily", "m1", "2024-01-01", "10.00", 1)
              + ","
              + row(e, "daily", "m2", "2024-01-01", "30.00", 2)
              + ","
              + row(e, "daily", "m1", "2024-01-02", "15.00", 1)
              + ","
              + row(e, "daily", "m3", "2024-01-02", "5.00", 1));
    }
    sql(
        "INSERT INTO user_registration_metrics (engine, window_type, window_start, window_end,"
            + " registration_count) VALUES"
            + " ('spark', 'tumbling_1h', '2024-01-01T10:00Z', '2024-01-01T11:00Z', 2),"
            + " ('spark', 'tumbling_1h', '2024-01-01T11:00Z', '2024-01-01T12:00Z', 1),"
            + " ('spark', 'sliding_1h_15m', '2024-01-01T10:00Z', '2024-01-01T11:00Z', 2)");
    sql(
        "INSERT INTO late_events (engine, job, event_id, kafka_topic, event_time, watermark)"
            + " VALUES ('flink', 'registration-metrics', '00000000-0000-4000-8000-000000000009',"
            + " 'consumer_registration', '2024-01-01T09:00:00Z', '2024-01-01T10:58:00Z')");
  }

  @Test
  void summaryJsonHoldsTheFiguresOfTheHandMadeRows() throws Exception {
    Path timings = out.resolve("timings.tsv");
    Files.writeString(timings, "up\t12.5\ngenerate\t30\n\nverify\t7.5\n");
    Path dir = out.resolve("run-1");

    Run run =
        run(
            "--out",
            dir.toString(),
            "--timings",
            timings.toString(),
            "--param",
            "users=300",
            "--param",
            "hours=6");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("report written: " + dir.resolve("index.html"));
    JsonNode s = readSummary(dir);
    assertThat(s.get("run_id").asText()).isEqualTo("run-1");
    assertThat(s.get("parameters").toString()).isEqualTo("{\"users\":\"300\",\"hours\":\"6\"}");
    assertThat(s.get("engines").toString()).isEqualTo("[\"flink\",\"spark\",\"reference\"]");
    assertThat(s.at("/table_counts/consumer_events").asLong()).isEqualTo(3);
    assertThat(s.at("/table_counts/movies_catalog").asLong()).isEqualTo(2);
    assertThat(s.at("/table_counts/dead_letter_events").asLong()).isEqualTo(2);
    assertThat(s.at("/table_counts/cart_events").asLong()).isZero();
    assertThat(s.at("/late_events").toString()).isEqualTo("{\"flink\":1}");

    JsonNode flinkHourly = s.at("/registrations/tumbling_1h/flink");
    assertThat(flinkHourly.get("windows").asInt()).isEqualTo(2);
    assertThat(flinkHourly.get("total_registrations").asLong()).isEqualTo(3);
    assertThat(flinkHourly.get("max_registrations").asLong()).isEqualTo(2);
    assertThat(flinkHourly.get("series").toString())
        .isEqualTo(
            "[{\"window_start\":\"2024-01-01T10:00:00Z\",\"registration_count\":2},"
                + "{\"window_start\":\"2024-01-01T11:00:00Z\",\"registration_count\":1}]");
    assertThat(s.at("/registrations/tumbling_1h/spark/windows").asInt()).isEqualTo(2);
    assertThat(s.at("/registrations/sliding_1h_15m/reference/total_registrations").asLong())
        .isEqualTo(2);

    JsonNode flinkSessions = s.at("/sessions/flink");
    assertThat(flinkSessions.get("ticks").asInt()).isEqualTo(3);
    assertThat(flinkSessions.get("max_active_sessions").asLong()).isEqualTo(3);
    assertThat(flinkSessions.get("max_active_at").asText()).isEqualTo("2024-01-01T12:01:00Z");
    assertThat(flinkSessions.at("/series/0/average_session_duration_s").isNull()).isTrue();
    assertThat(flinkSessions.at("/series/2/average_session_duration_s").asDouble())
        .isEqualTo(120.0);
    assertThat(s.at("/sessions/spark").isMissingNode()).isTrue();

    // Final cumulative totals: m2 30.00, m1 25.00 (10 + 15), m3 5.00 (not in the catalogue).
    JsonNode top = s.get("top_movies");
    assertThat(top.get("ranked_by").asText()).isEqualTo("flink");
    assertThat(top.get("movies").toString())
        .isEqualTo(
            "[{\"rank\":1,\"movie_id\":\"m2\",\"title\":\"Two\","
                + "\"total_sales\":{\"flink\":30.00,\"reference\":30.00},"
                + "\"units_sold\":{\"flink\":2,\"reference\":2}},"
                + "{\"rank\":2,\"movie_id\":\"m1\",\"title\":\"<b>Bold</b> & Co\","
                + "\"total_sales\":{\"flink\":25.00,\"reference\":25.00},"
                + "\"units_sold\":{\"flink\":2,\"reference\":2}},"
                + "{\"rank\":3,\"movie_id\":\"m3\",\"title\":\"m3\","
                + "\"total_sales\":{\"flink\":5.00,\"reference\":5.00},"
                + "\"units_sold\":{\"flink\":1,\"reference\":1}}]");
    assertThat(s.at("/daily_sales/flink").toString())
        .isEqualTo(
            "[{\"day\":\"2024-01-01\",\"total_sales\":40.00,\"units_sold\":3},"
                + "{\"day\":\"2024-01-02\",\"total_sales\":20.00,\"units_sold\":2}]");

    // Registrations: tumbling 10:00 and 11:00 and sliding 10:00, equal on all three engines (a
    // window missing on one engine would be a difference: every key is judged).
    assertThat(s.at("/parity/verdict").asText()).isEqualTo("ok");
    JsonNode regParity = s.at("/parity/metrics/0");
    assertThat(regParity.get("metric").asText()).isEqualTo("user_registration_metrics");
    assertThat(regParity.get("compared").asInt()).isEqualTo(3);
    assertThat(regParity.get("equal").asInt()).isEqualTo(3);
    assertThat(s.at("/parity/metrics/1/not_run").toString()).isEqualTo("[\"spark\"]");
    assertThat(s.at("/parity/metrics/3/compared").asInt()).isEqualTo(8);

    assertThat(s.at("/timings/steps").toString())
        .isEqualTo(
            "[{\"step\":\"up\",\"seconds\":12.5},{\"step\":\"generate\",\"seconds\":30.0},"
                + "{\"step\":\"verify\",\"seconds\":7.5}]");
    assertThat(s.at("/timings/total_seconds").asDouble()).isEqualTo(50.0);

    List<String> charts = new ArrayList<>();
    s.get("charts").forEach(c -> charts.add(c.asText()));
    assertThat(charts)
        .containsExactly(
            "registrations_tumbling_1h.png",
            "registrations_sliding_1h_15m.png",
            "active_sessions.png",
            "session_duration.png",
            "top_movies.png",
            "daily_sales.png");
    for (String chart : charts) {
      BufferedImage image = ImageIO.read(dir.resolve(chart).toFile());
      assertThat(image).as(chart).isNotNull();
      assertThat(image.getWidth()).as(chart).isEqualTo(ReportCharts.WIDTH);
      assertThat(image.getHeight())
          .as(chart)
          .isEqualTo(
              chart.equals("top_movies.png")
                  ? ReportCharts.TOP_MOVIES_HEIGHT
                  : ReportCharts.HEIGHT);
    }
    // The flink series is drawn in its colour; spark has no session rows, so none of its colour.
    BufferedImage sessions = ImageIO.read(dir.resolve("active_sessions.png").toFile());
    assertThat(pixelsOf(sessions, 0xE6550D)).isGreaterThan(100);
    assertThat(pixelsOf(sessions, 0x3182BD)).isZero();
    BufferedImage hourly = ImageIO.read(dir.resolve("registrations_tumbling_1h.png").toFile());
    assertThat(pixelsOf(hourly, 0x3182BD)).isGreaterThan(0);

    String html = Files.readString(dir.resolve("index.html"), StandardCharsets.UTF_8);
    assertThat(html)
        .contains(
            "<td>&lt;b&gt;Bold&lt;/b&gt; &amp; Co</td>",
            "<span class=\"verdict ok\">ok</span>",
            "<img src=\"top_movies.png\"",
            "<td>users</td><td>300</td>",
            "<td>dead_letter_events</td><td class=\"n\">2</td>",
            "<td>m2</td><td>Two</td><td class=\"n\">30.00</td>",
            "<td>total</td><td class=\"n\">50.0</td>")
        .doesNotContain("<b>Bold");
  }

  @Test
  void aPlantedDifferenceIsTheReportsVerdictAndIsListed() throws Exception {
    sql(
        "UPDATE session_metrics SET average_session_duration_s = 121 WHERE engine = 'flink'"
            + " AND \"timestamp\" = '2024-01-01T12:02Z'");
    try {
      Path dir = out.resolve("planted");
      Run run = run("--out", dir.toString(), "--run-id", "planted-run");

      assertThat(run.exitCode()).isZero();
      JsonNode s = readSummary(dir);
      assertThat(s.get("run_id").asText()).isEqualTo("planted-run");
      assertThat(s.at("/parity/verdict").asText()).isEqualTo("differences");
      assertThat(s.at("/parity/metrics/1/different").asInt()).isEqualTo(1);
      assertThat(s.at("/parity/metrics/1/differences/0").asText())
          .startsWith(
              "session_metrics 2024-01-01T12:02:00Z: flink=(active_sessions_count=2,"
                  + " average_session_duration_s=121.0");
      assertThat(s.at("/timings/steps").size()).isZero();
      String html = Files.readString(dir.resolve("index.html"), StandardCharsets.UTF_8);
      assertThat(html)
          .contains(
              "<span class=\"verdict differences\">differences</span>",
              "<li>session_metrics 2024-01-01T12:02:00Z: flink=(active_sessions_count=2,",
              "No timings file given.");
    } finally {
      sql(
          "UPDATE session_metrics SET average_session_duration_s = 120 WHERE engine = 'flink'"
              + " AND \"timestamp\" = '2024-01-01T12:02Z'");
    }
  }

  @Test
  void aMalformedTimingsFileIsAUsageErrorNamingTheLine() throws Exception {
    Path timings = out.resolve("bad.tsv");
    Files.writeString(timings, "up\t1\nload\tfast\n");

    Run run = run("--out", out.resolve("bad").toString(), "--timings", timings.toString());

    assertThat(run.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(run.err()).contains("bad.tsv line 2 'load\tfast': seconds is not a number");
    assertThat(out.resolve("bad")).doesNotExist();
  }

  /** Money as written: exact decimals, so 30.00 stays 30.00. */
  private static JsonNode readSummary(Path dir) throws Exception {
    return new ObjectMapper()
        .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true))
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .readTree(dir.resolve("summary.json").toFile());
  }

  private static int pixelsOf(BufferedImage image, int rgb) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
          n++;
        }
      }
    }
    return n;
  }

  private static String row(
      String engine, String type, String movie, String day, String total, int units) {
    String end =
        "cumulative".equals(type) || "daily".equals(type)
            ? "('" + day + "T00:00Z'::timestamptz + interval '1 day')"
            : "NULL";
    return " ("
        + engine
        + ", '"
        + type
        + "', '"
        + movie
        + "', '"
        + day
        + "T00:00Z', "
        + end
        + ", "
        + total
        + ", "
        + units
        + ")";
  }

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... options) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = VerifyCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    List<String> args = new ArrayList<>(List.of("report", "--jdbc-url", jdbcUrl));
    args.addAll(List.of(options));
    int code = cli.execute(args.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  private static void sql(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement st = c.createStatement()) {
      st.execute("SET TIME ZONE 'UTC'");
      st.execute(sql);
    }
  }
}
