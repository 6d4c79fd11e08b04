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
import io.cinestream.testsupport.LocalStack;
import io.cinestream.testsupport.LocalStackExtension;
import io.cinestream.testsupport.fixtures.MetricScenarios;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The production JDBC sinks against a real PostgreSQL migrated with the warehouse DDL: the jobs
 * write the fixtures' rows, and a second run of the same input (a replay after a restart) changes
 * no row (idempotent upserts).
 */
@ExtendWith(LocalStackExtension.class)
class WarehouseSinksITCase extends MiniClusterTestBase {

  private static String jdbcUrl;

  @BeforeAll
  static void createDatabase(LocalStack stack) {
    jdbcUrl = stack.newWarehouseDatabase();
  }

  private static JobOptions options() {
    return testOptions().withJdbcUrl(jdbcUrl);
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
  void upsertsRegistrationRowsLateEventsAndDeadLettersIdempotently() throws Exception {
    runRegistrations();
    runRegistrations();

    assertThat(
            query(
                "SELECT window_type || ' ' || to_char(window_start AT TIME ZONE 'UTC',"
                    + " 'HH24:MI') || ' ' || registration_count FROM user_registration_metrics"
                    + " WHERE engine = 'flink' AND window_type = 'tumbling_1h'"
                    + " ORDER BY window_start"))
        .containsExactly("tumbling_1h 10:00 3", "tumbling_1h 11:00 4");
    assertThat(query("SELECT count(*) FROM user_registration_metrics WHERE engine = 'flink'"))
        .containsExactly("12");
    assertThat(
            query(
                "SELECT job || ' ' || event_id || ' ' || kafka_topic || ' '"
                    + " || to_char(event_time AT TIME ZONE 'UTC', 'HH24:MI') || ' '"
                    + " || to_char(watermark AT TIME ZONE 'UTC', 'HH24:MI') FROM late_events"))
        .containsExactly(
            "registration-metrics " + MetricScenarios.id(7) + " consumer_registration 11:10 11:28");
    assertThat(
            query(
                "SELECT kafka_topic || '/' || kafka_partition || '@' || kafka_offset || ' '"
                    + " || raw_value_base64 FROM dead_letter_events"))
        .containsExactly("consumer_registration/1@17 AQID");
  }

  @Test
  void writesSessionRowsWithNullAveragesAndOrphanCounts() throws Exception {
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

    assertThat(
            query(
                "SELECT to_char(\"timestamp\" AT TIME ZONE 'UTC', 'HH24:MI') || ' '"
                    + " || active_sessions_count || ' ' || coalesce(average_session_duration_s::text,"
                    + " 'null') || ' ' || coalesce(average_active_session_age_s::text, 'null') || ' '"
                    + " || completed_sessions FROM session_metrics WHERE engine = 'flink'"
                    + " AND \"timestamp\" IN ('2024-01-01T12:01:00Z', '2024-01-01T12:07:00Z',"
                    + " '2024-01-01T12:14:00Z') ORDER BY \"timestamp\""))
        .containsExactly("12:01 2 null 15 0", "12:07 1 300 180 2", "12:14 0 300 null 2");
    assertThat(query("SELECT count(*) FROM session_metrics WHERE engine = 'flink'"))
        .containsExactly("17");
    assertThat(
            query(
                "SELECT to_char(minute AT TIME ZONE 'UTC', 'HH24:MI') || ' ' || orphan_count"
                    + " FROM orphan_sign_outs WHERE engine = 'flink' ORDER BY minute"))
        .containsExactly("12:03 1", "12:15 1");
  }

  @Test
  void writesSalesAsExactNumericDollars() throws Exception {
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

    assertThat(
            query(
                "SELECT window_type || ' ' || to_char(window_start AT TIME ZONE 'UTC',"
                    + " 'YYYY-MM-DD') || ' ' || total_sales || ' ' || units_sold"
                    + " FROM movie_sales_metrics WHERE engine = 'flink'"
                    + " AND movie_id = 'ean:0000000000001' ORDER BY window_type, window_start"))
        .containsExactly(
            "cumulative 2024-01-06 19.99 1",
            "cumulative 2024-01-07 39.98 2",
            "cumulative 2024-01-08 59.97 3",
            "daily 2024-01-06 19.99 1",
            "daily 2024-01-07 19.99 1",
            "daily 2024-01-08 19.99 1",
            "weekly 2024-01-01 39.98 2",
            "weekly 2024-01-08 19.99 1");
    assertThat(query("SELECT count(*) FROM movie_sales_metrics WHERE engine = 'flink'"))
        .containsExactly("14");
  }

  @Test
  void writesUnitsOfAProductWithoutACataloguePriceToUnpricedSaleItems() throws Exception {
    String cart = "20000000-0000-4000-8000-000000000001";
    long addedAt = java.time.Instant.parse("2024-02-01T10:00:00Z").toEpochMilli();
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

    assertThat(
            query(
                "SELECT movie_id || ' ' || to_char(checkout_time AT TIME ZONE 'UTC',"
                    + " 'YYYY-MM-DD\"T\"HH24:MI:SS') || ' ' || units FROM unpriced_sale_items"
                    + " WHERE engine = 'flink'"))
        .containsExactly("ean:0000000000099 2024-02-01T10:01:00 2");
    assertThat(
            query("SELECT count(*) FROM movie_sales_metrics WHERE movie_id = 'ean:0000000000099'"))
        .containsExactly("0");
  }

  private static List<String> query(String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    return rows;
  }
}
