package io.cinestream.flink.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.JobOptions;
import io.cinestream.flink.MovieSalesJob;
import io.cinestream.flink.RegistrationMetricsJob;
import io.cinestream.flink.SessionMetricsJob;
import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.testing.MiniClusterTestBase;
import io.cinestream.flink.testing.TestInputs;
import io.cinestream.schemas.warehouse.SqlDialect;
import io.cinestream.schemas.warehouse.WarehouseDdl;
import io.cinestream.testsupport.Fakesnow;
import io.cinestream.testsupport.fixtures.MetricScenarios;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The production JDBC sinks with a {@code jdbc:snowflake://} URL, against the fakesnow emulator
 * (docs/production.md#what-the-emulator-does-and-does-not-test): the tables come from the Snowflake
 * migrations, the jobs write the fixtures' rows through the generated {@code MERGE} statements, and
 * a second run of the same input (a replay after a restart) changes no row. The same expected rows
 * as {@link WarehouseSinksITCase} on PostgreSQL.
 *
 * <p>Needs the venv {@code .local/venv/fakesnow} ({@code requirements/fakesnow.txt}); skipped,
 * saying so, when it is missing. The emulator's launcher is the Spark loader tests' ({@code
 * spark-jobs/src/test/resources/load/fakesnow_launcher.py}).
 */
class WarehouseSinksSnowflakeITCase extends MiniClusterTestBase {

  private static final DateTimeFormatter HH_MM =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private static Fakesnow fakesnow;
  private static int port;

  @BeforeAll
  static void startFakesnow() throws Exception {
    fakesnow = Fakesnow.start(Path.of("target", "fakesnow-logs", "fakesnow.log"));
    port = fakesnow.port();
    try (Connection c = DriverManager.getConnection(url(false));
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE IF NOT EXISTS cinestream");
      st.execute("CREATE SCHEMA IF NOT EXISTS cinestream.metrics");
    }
    try (Connection c = DriverManager.getConnection(url(true));
        Statement st = c.createStatement()) {
      for (String ddl : WarehouseDdl.statements(SqlDialect.SNOWFLAKE)) {
        st.execute(ddl);
      }
    }
  }

  @AfterAll
  static void stopFakesnow() throws InterruptedException {
    if (fakesnow != null) {
      fakesnow.close();
    }
  }

  /** The emulator's URL, with the credentials it accepts in the URL (as in a local run). */
  private static String url(boolean withSchema) {
    return "jdbc:snowflake://127.0.0.1:"
        + port
        + "/?ssl=off&account=fakesnow&user=fake&password=snow&maxHttpRetries=1"
        // snowflake-jdbc 3.28 otherwise probes cloud metadata endpoints at login.
        + "&disablePlatformDetection=true"
        + (withSchema ? "&db=CINESTREAM&schema=METRICS" : "");
  }

  private static JobOptions options() {
    return testOptions().withJdbcUrl(url(true));
  }

  private static void runRegistrations() throws Exception {
    List<Either<DeadLetter, Event>> input =
        new ArrayList<>(TestInputs.decoded(MetricScenarios.registrations().arrivals()));
    input.add(
        Either.Left(
            new DeadLetter("consumer_registration", 1, 17L, "9", "AQID", "BAD_MAGIC_BYTE: 0x01")));
    JobOptions options = options();
    StreamExecutionEnvironment env = environment(options);
    new RegistrationMetricsJob(
            options,
            TestInputs.source(input, TestInputs.EVENT_TYPE),
            WarehouseSinks.registrationMetrics(options.jdbcUrl()),
            WarehouseSinks.lateEvents(options.jdbcUrl()),
            WarehouseSinks.deadLetters(options.jdbcUrl()))
        .build(env);
    env.execute(RegistrationMetricsJob.NAME);
  }

  @Test
  void mergesRegistrationRowsLateEventsAndDeadLettersIdempotently() throws Exception {
    runRegistrations();
    List<String> first = registrationRows();
    runRegistrations();

    assertThat(first)
        .hasSize(12)
        .contains("tumbling_1h 10:00-11:00 3", "tumbling_1h 11:00-12:00 4");
    assertThat(registrationRows()).isEqualTo(first);
    List<String> late = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url(true));
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT engine, job, event_id, kafka_topic,"
                    + " DATE_PART(epoch_millisecond, event_time),"
                    + " DATE_PART(epoch_millisecond, watermark) FROM late_events")) {
      while (rs.next()) {
        late.add(
            String.join(
                " ",
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                hhmm(rs.getLong(5)),
                hhmm(rs.getLong(6))));
      }
    }
    assertThat(late)
        .containsExactly(
            "flink registration-metrics "
                + MetricScenarios.id(7)
                + " consumer_registration 11:10 11:28");
    List<String> dead = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url(true));
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT kafka_topic, kafka_partition, kafka_offset, kafka_key, raw_value_base64,"
                    + " error FROM dead_letter_events")) {
      while (rs.next()) {
        dead.add(
            rs.getString(1)
                + "/"
                + rs.getInt(2)
                + "@"
                + rs.getLong(3)
                + " "
                + rs.getString(4)
                + " "
                + rs.getString(5)
                + " "
                + rs.getString(6));
      }
    }
    assertThat(dead).containsExactly("consumer_registration/1@17 9 AQID BAD_MAGIC_BYTE: 0x01");
  }

  @Test
  void mergesSessionRowsWithNullAveragesAndOrphanCounts() throws Exception {
    MetricScenarios.SessionScenario scenario = MetricScenarios.sessions();
    JobOptions options = options().withSessionTimeout(scenario.sessionTimeout());
    StreamExecutionEnvironment env = environment(options);
    new SessionMetricsJob(
            options,
            TestInputs.source(TestInputs.decoded(scenario.arrivals()), TestInputs.EVENT_TYPE),
            WarehouseSinks.sessionMetrics(options.jdbcUrl()),
            WarehouseSinks.orphanSignOuts(options.jdbcUrl()),
            WarehouseSinks.lateEvents(options.jdbcUrl()),
            WarehouseSinks.deadLetters(options.jdbcUrl()))
        .build(env);
    env.execute(SessionMetricsJob.NAME);

    List<String> ticks = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url(true));
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT DATE_PART(epoch_millisecond, \"timestamp\"), active_sessions_count,"
                    + " average_session_duration_s, average_active_session_age_s,"
                    + " completed_sessions FROM session_metrics WHERE engine = 'flink'"
                    + " ORDER BY \"timestamp\"")) {
      while (rs.next()) {
        ticks.add(
            String.join(
                " ",
                hhmm(rs.getLong(1)),
                Long.toString(rs.getLong(2)),
                nullableDouble(rs, 3),
                nullableDouble(rs, 4),
                Long.toString(rs.getLong(5))));
      }
    }
    assertThat(ticks)
        .hasSize(17)
        .contains("12:01 2 null 15.0 0", "12:07 1 300.0 180.0 2", "12:14 0 300.0 null 2");
    List<String> orphans = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url(true));
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT DATE_PART(epoch_millisecond, minute), orphan_count FROM orphan_sign_outs"
                    + " WHERE engine = 'flink' ORDER BY minute")) {
      while (rs.next()) {
        orphans.add(hhmm(rs.getLong(1)) + " " + rs.getLong(2));
      }
    }
    assertThat(orphans).containsExactly("12:03 1", "12:15 1");
  }

  @Test
  void mergesSalesAsExactNumericDollars() throws Exception {
    MetricScenarios.SalesScenario scenario = MetricScenarios.sales();
    JobOptions options = options();
    StreamExecutionEnvironment env = environment(options);
    new MovieSalesJob(
            options,
            TestInputs.source(TestInputs.decoded(scenario.arrivals()), TestInputs.EVENT_TYPE),
            TestInputs.source(TestInputs.prices(scenario.catalog()), TestInputs.CATALOG_TYPE),
            WarehouseSinks.movieSalesMetrics(options.jdbcUrl()),
            WarehouseSinks.unpricedSaleItems(options.jdbcUrl()),
            WarehouseSinks.lateEvents(options.jdbcUrl()),
            WarehouseSinks.deadLetters(options.jdbcUrl()))
        .build(env);
    env.execute(MovieSalesJob.NAME);

    List<String> rows = new ArrayList<>();
    int total = 0;
    try (Connection c = DriverManager.getConnection(url(true));
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT movie_id, window_type, DATE_PART(epoch_millisecond, window_start),"
                    + " total_sales, units_sold FROM movie_sales_metrics WHERE engine = 'flink'"
                    + " ORDER BY window_type, window_start")) {
      while (rs.next()) {
        total++;
        if (rs.getString(1).equals("ean:0000000000001")) {
          BigDecimal sales = rs.getBigDecimal(4);
          rows.add(
              rs.getString(2)
                  + " "
                  + DAY.format(Instant.ofEpochMilli(rs.getLong(3)))
                  + " "
                  + sales.toPlainString()
                  + " "
                  + rs.getLong(5));
        }
      }
    }
    assertThat(rows)
        .containsExactly(
            "cumulative 2024-01-06 19.99 1",
            "cumulative 2024-01-07 39.98 2",
            "cumulative 2024-01-08 59.97 3",
            "daily 2024-01-06 19.99 1",
            "daily 2024-01-07 19.99 1",
            "daily 2024-01-08 19.99 1",
            "weekly 2024-01-01 39.98 2",
            "weekly 2024-01-08 19.99 1");
    assertThat(total).isEqualTo(14);
  }

  @Test
  void mergesUnitsOfAProductWithoutACataloguePriceIntoUnpricedSaleItems() throws Exception {
    String cart = "20000000-0000-4000-8000-000000000001";
    long addedAt = Instant.parse("2024-02-01T10:00:00Z").toEpochMilli();
    List<Either<DeadLetter, Event>> input =
        List.of(
            Either.Right(
                Event.addedToCart(MetricScenarios.id(901), addedAt, 9, cart, "ean:0000000000099")),
            Either.Right(
                Event.addedToCart(MetricScenarios.id(902), addedAt, 9, cart, "ean:0000000000099")),
            Either.Right(Event.checkout(MetricScenarios.id(903), addedAt + 60_000, 9, cart)));
    JobOptions options = options();
    StreamExecutionEnvironment env = environment(options);
    new MovieSalesJob(
            options,
            TestInputs.source(input, TestInputs.EVENT_TYPE),
            TestInputs.source(
                TestInputs.prices(MetricScenarios.sales().catalog()), TestInputs.CATALOG_TYPE),
            WarehouseSinks.movieSalesMetrics(options.jdbcUrl()),
            WarehouseSinks.unpricedSaleItems(options.jdbcUrl()),
            WarehouseSinks.lateEvents(options.jdbcUrl()),
            WarehouseSinks.deadLetters(options.jdbcUrl()))
        .build(env);
    env.execute(MovieSalesJob.NAME);

    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url(true));
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT movie_id, DATE_PART(epoch_millisecond, checkout_time), units"
                    + " FROM unpriced_sale_items WHERE engine = 'flink'")) {
      while (rs.next()) {
        rows.add(rs.getString(1) + " " + Instant.ofEpochMilli(rs.getLong(2)) + " " + rs.getLong(3));
      }
    }
    assertThat(rows).containsExactly("ean:0000000000099 2024-02-01T10:01:00Z 2");
  }

  private static List<String> registrationRows() throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url(true));
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT window_type, DATE_PART(epoch_millisecond, window_start),"
                    + " DATE_PART(epoch_millisecond, window_end), registration_count"
                    + " FROM user_registration_metrics WHERE engine = 'flink'"
                    + " ORDER BY window_type, window_start")) {
      while (rs.next()) {
        rows.add(
            rs.getString(1)
                + " "
                + hhmm(rs.getLong(2))
                + "-"
                + hhmm(rs.getLong(3))
                + " "
                + rs.getLong(4));
      }
    }
    return rows;
  }

  private static String hhmm(long epochMs) {
    return HH_MM.format(Instant.ofEpochMilli(epochMs));
  }

  private static String nullableDouble(ResultSet rs, int column) throws java.sql.SQLException {
    double value = rs.getDouble(column);
    return rs.wasNull() ? "null" : Double.toString(value);
  }
}
