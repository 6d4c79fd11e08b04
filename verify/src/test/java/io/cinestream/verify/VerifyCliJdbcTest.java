package io.cinestream.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.testsupport.LocalStack;
import io.cinestream.testsupport.LocalStackExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** The CLI against a real PostgreSQL with the warehouse migrations. */
@ExtendWith(LocalStackExtension.class)
class VerifyCliJdbcTest {

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
            + " ('00000000-0000-4000-8000-000000000003', 'consumer_registration', 1,"
            + "  '2024-01-01T10:55:00Z', 'consumer_registration', 0, 3),"
            + " ('00000000-0000-4000-8000-000000000004', 'sign_in', 7,"
            + "  '2024-01-01T12:00:00Z', 'sign_in', 0, 1),"
            + " ('00000000-0000-4000-8000-000000000005', 'sign_out', 7,"
            + "  '2024-01-01T12:03:30Z', 'sign_out', 0, 1),"
            + " ('00000000-0000-4000-8000-000000000006', 'sign_out', 8,"
            + "  '2024-01-01T12:06:01Z', 'sign_out', 0, 2)");
    sql(
        "INSERT INTO movies_catalog (item_id, title, list_price_cents) VALUES"
            + " ('m1', 'One', 1999), ('m2', 'Two', NULL)");
    sql(
        "INSERT INTO cart_events (event_id, event_name, user_id, cart_id, item_id, event_time,"
            + " kafka_topic, kafka_partition, kafka_offset) VALUES"
            + " ('00000000-0000-4000-8000-000000000011', 'added_to_cart', 1,"
            + "  '10000000-0000-4000-8000-000000000001', 'm1', '2024-01-02T09:00:00Z',"
            + "  'added_to_cart', 0, 1),"
            + " ('00000000-0000-4000-8000-000000000012', 'added_to_cart', 1,"
            + "  '10000000-0000-4000-8000-000000000001', 'm2', '2024-01-02T09:01:00Z',"
            + "  'added_to_cart', 0, 2),"
            + " ('00000000-0000-4000-8000-000000000013', 'checkout_to_cart', 1,"
            + "  '10000000-0000-4000-8000-000000000001', NULL, '2024-01-02T09:05:00Z',"
            + "  'checkout_to_cart', 0, 3)");
  }

  @Test
  void referenceWritesRowsAndCompareNamesAPlantedFlinkDifference() throws Exception {
    assertThat(run("reference").exitCode()).isZero();
    // Re-running upserts the same rows.
    assertThat(run("reference").exitCode()).isZero();

    assertThat(
            query(
                "SELECT window_start || ' ' || registration_count FROM user_registration_metrics"
                    + " WHERE engine = 'reference' AND window_type = 'tumbling_1h'"))
        .containsExactly("2024-01-01 10:00:00+00 2");
    // Ticks 12:00..12:04 (W = 12:04:01 has passed 12:04); user 7's session closes at 12:03:30
    // after 210 s.
    assertThat(
            query(
                "SELECT \"timestamp\" || ' ' || active_sessions_count || ' '"
                    + " || coalesce(average_session_duration_s::text, '-') || ' '"
                    + " || coalesce(average_active_session_age_s::text, '-') || ' '"
                    + " || completed_sessions FROM session_metrics WHERE engine = 'reference'"
                    + " ORDER BY 1"))
        .containsExactly(
            "2024-01-01 12:00:00+00 1 - 0 0",
            "2024-01-01 12:01:00+00 1 - 60 0",
            "2024-01-01 12:02:00+00 1 - 120 0",
            "2024-01-01 12:03:00+00 1 - 180 0",
            "2024-01-01 12:04:00+00 0 210 - 1");
    assertThat(query("SELECT minute || ' ' || orphan_count FROM orphan_sign_outs"))
        .containsExactly("2024-01-01 12:06:00+00 1");
    assertThat(
            query(
                "SELECT window_type || ' ' || movie_id || ' ' || total_sales || ' ' || units_sold"
                    + " FROM movie_sales_metrics ORDER BY 1"))
        .containsExactly("cumulative m1 19.99 1", "daily m1 19.99 1", "weekly m1 19.99 1");

    Run onlyReference = run("compare");
    assertThat(onlyReference.exitCode()).isZero();
    assertThat(onlyReference.out()).contains("not run=[flink, spark]", "RESULT: OK");

    copyReferenceRowsAs("flink");
    Run agreeing = run("compare");
    assertThat(agreeing.exitCode()).isZero();
    assertThat(agreeing.out())
        .contains("session_metrics: compared=5 equal=5 different=0 missing={flink=0, reference=0}");

    // Averages agree within 1e-6 s.
    sql(
        "UPDATE session_metrics SET average_active_session_age_s = 180.0000005"
            + " WHERE engine = 'flink' AND \"timestamp\" = '2024-01-01T12:03:00Z'");
    assertThat(run("compare").exitCode()).isZero();

    // Every key is judged: flink without the reference's last tick is a difference ...
    sql(
        "DELETE FROM session_metrics WHERE engine = 'flink' AND \"timestamp\" > '2024-01-01T12:03Z'");
    Run flinkBehind = run("compare");
    assertThat(flinkBehind.exitCode()).isEqualTo(VerifyCli.DIFFERENCES);
    assertThat(flinkBehind.out())
        .contains(
            "session_metrics: compared=5 equal=4 different=0 missing={flink=1, reference=0}",
            "session_metrics 2024-01-01T12:04:00Z: reference=(active_sessions_count=0,",
            "flink=MISSING")
        .doesNotContain("not judged");
    // ... and so is a tick only flink has (the reference is missing it).
    sql(
        "INSERT INTO session_metrics (engine, \"timestamp\", active_sessions_count,"
            + " average_session_duration_s, average_active_session_age_s, completed_sessions)"
            + " VALUES ('flink', '2024-01-01T12:05:00Z', 0, 210.0, NULL, 1)");
    Run flinkAhead = run("compare");
    assertThat(flinkAhead.exitCode()).isEqualTo(VerifyCli.DIFFERENCES);
    assertThat(flinkAhead.out())
        .contains(
            "session_metrics: compared=6 equal=4 different=0 missing={flink=1, reference=1}",
            "session_metrics 2024-01-01T12:05:00Z: flink=(active_sessions_count=0,",
            "reference=MISSING");
    sql(
        "DELETE FROM session_metrics WHERE engine = 'flink' AND \"timestamp\" = '2024-01-01T12:05Z'");

    sql(
        "INSERT INTO session_metrics (engine, \"timestamp\", active_sessions_count,"
            + " average_session_duration_s, average_active_session_age_s, completed_sessions)"
            + " VALUES ('flink', '2024-01-01T12:04:00Z', 0, 210.001, NULL, 1)");
    sql("DELETE FROM movie_sales_metrics WHERE engine = 'flink' AND window_type = 'daily'");
    Run planted = run("compare");

    assertThat(planted.exitCode()).isEqualTo(VerifyCli.DIFFERENCES);
    assertThat(planted.out())
        .contains(
            "session_metrics: compared=5 equal=4 different=1",
            "session_metrics 2024-01-01T12:04:00Z: flink=(active_sessions_count=0,"
                + " average_session_duration_s=210.001",
            "reference=(active_sessions_count=0, average_session_duration_s=210.0",
            "movie_sales_metrics daily m1 2024-01-02T00:00:00Z: reference=(total_sales=19.99,"
                + " units_sold=1) flink=MISSING",
            "RESULT: DIFFERENCES");
  }

  @Test
  void compareClosedByLeavesOutTheTicksAndWindowsEndingLater() throws Exception {
    assertThat(run("reference").exitCode()).isZero();
    try {
      copyReferenceRowsAs("spark");
      // Spark without the 12:04 tick and with a running daily total (the day is still open).
      sql(
          "DELETE FROM session_metrics WHERE engine = 'spark' AND \"timestamp\" = '2024-01-01T12:04Z'");
      sql(
          "UPDATE movie_sales_metrics SET units_sold = 5"
              + " WHERE engine = 'spark' AND window_type = 'daily'");
      assertThat(run("compare").exitCode()).isEqualTo(VerifyCli.DIFFERENCES);

      Run closed = run("compare", "--closed-by", "2024-01-01T12:03:30Z");
      assertThat(closed.exitCode()).isZero();
      assertThat(closed.out())
          .contains(
              "windows closed by 2024-01-01T12:03:30Z only",
              "session_metrics: compared=4 equal=4 different=0",
              "orphan_sign_outs: compared=0", // the orphan minute 12:06 closes at 12:07
              "movie_sales_metrics: compared=0",
              "RESULT: OK");
      // The registration hour 10:00-11:00 closed before the horizon and is judged.
      assertThat(closed.out()).containsPattern("user_registration_metrics: compared=[1-9]");
    } finally {
      for (String table :
          List.of(
              "user_registration_metrics",
              "session_metrics",
              "orphan_sign_outs",
              "movie_sales_metrics")) {
        sql("DELETE FROM " + table + " WHERE engine = 'spark'");
      }
    }
  }

  @Test
  void referenceRunsTheSessionTicksOnToTheLatestSignWatermarkTick() throws Exception {
    sql(
        "INSERT INTO watermark_ticks (kafka_topic, kafka_partition, kafka_offset, tick_time)"
            + " VALUES ('sign_in', 0, 9, '2024-01-01T12:20:00Z'),"
            + " ('sign_out', 0, 9, '2024-01-01T12:20:00Z'),"
            // A tick on another topic does not move the session job's watermark.
            + " ('consumer_registration', 0, 9, '2024-01-01T15:00:00Z')");
    try {
      assertThat(run("reference").exitCode()).isZero();

      // W = 12:18: ticks 12:00 .. 12:17; nobody open after 12:03:30, the 210 s session counts
      // until 13:03.
      assertThat(
              query(
                  "SELECT count(*) || ' ' || max(\"timestamp\") FROM session_metrics"
                      + " WHERE engine = 'reference'"))
          .containsExactly("18 2024-01-01 12:17:00+00");
      assertThat(
              query(
                  "SELECT active_sessions_count || ' ' || average_session_duration_s FROM"
                      + " session_metrics WHERE engine = 'reference'"
                      + " AND \"timestamp\" = '2024-01-01T12:17:00Z'"))
          .containsExactly("0 210");
    } finally {
      sql("DELETE FROM watermark_ticks");
      sql("DELETE FROM session_metrics WHERE engine = 'reference'");
      assertThat(run("reference").exitCode()).isZero();
    }
  }

  @Test
  void referenceLeavesOutTheEventsAnEngineCountedAsLate() throws Exception {
    sql(
        "INSERT INTO late_events (engine, job, event_id, kafka_topic, event_time, watermark)"
            + " VALUES ('flink', 'registration-metrics', '00000000-0000-4000-8000-000000000002',"
            + " 'consumer_registration', '2024-01-01T10:50:00Z', '2024-01-01T10:58:00Z')");
    try {
      assertThat(run("reference", "--exclude-late-of", "flink").exitCode()).isZero();

      assertThat(
              query(
                  "SELECT registration_count FROM user_registration_metrics WHERE engine ="
                      + " 'reference' AND window_type = 'tumbling_1h'"
                      + " AND window_start = '2024-01-01T10:00:00Z'"))
          .containsExactly("1");
    } finally {
      sql("DELETE FROM late_events");
      assertThat(run("reference").exitCode()).isZero();
    }
  }

  private record Run(int exitCode, String out) {}

  private static Run run(String subcommand, String... options) {
    StringWriter out = new StringWriter();
    CommandLine cli = VerifyCli.commandLine();
    cli.setOut(new PrintWriter(out));
    List<String> args = new ArrayList<>(List.of(subcommand, "--jdbc-url", jdbcUrl));
    args.addAll(List.of(options));
    int code = cli.execute(args.toArray(String[]::new));
    return new Run(code, out.toString());
  }

  private static void copyReferenceRowsAs(String engine) throws Exception {
    String e = "'" + engine + "'";
    sql(
        "INSERT INTO user_registration_metrics (engine, window_type, window_start, window_end,"
            + " registration_count) SELECT "
            + e
            + ", window_type, window_start, window_end, registration_count"
            + " FROM user_registration_metrics WHERE engine = 'reference'");
    sql(
        "INSERT INTO session_metrics (engine, \"timestamp\", active_sessions_count,"
            + " average_session_duration_s, average_active_session_age_s, completed_sessions)"
            + " SELECT "
            + e
            + ", \"timestamp\", active_sessions_count, average_session_duration_s,"
            + " average_active_session_age_s, completed_sessions FROM session_metrics"
            + " WHERE engine = 'reference'");
    sql(
        "INSERT INTO orphan_sign_outs (engine, minute, orphan_count) SELECT "
            + e
            + ", minute, orphan_count FROM orphan_sign_outs WHERE engine = 'reference'");
    sql(
        "INSERT INTO movie_sales_metrics (engine, window_type, movie_id, window_start, window_end,"
            + " total_sales, units_sold) SELECT "
            + e
            + ", window_type, movie_id, window_start, window_end, total_sales, units_sold"
            + " FROM movie_sales_metrics WHERE engine = 'reference'");
  }

  private static void sql(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement st = c.createStatement()) {
      st.execute("SET TIME ZONE 'UTC'");
      st.execute(sql);
    }
  }

  private static List<String> query(String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement st = c.createStatement()) {
      st.execute("SET TIME ZONE 'UTC'");
      try (ResultSet rs = st.executeQuery(sql)) {
        while (rs.next()) {
          rows.add(rs.getString(1));
        }
      }
    }
    return rows;
  }
}
