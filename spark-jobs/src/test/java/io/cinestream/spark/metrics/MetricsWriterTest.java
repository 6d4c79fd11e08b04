package io.cinestream.spark.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.schemas.warehouse.SqlDialect;
import io.cinestream.schemas.warehouse.WarehouseDdl;
import io.cinestream.spark.metrics.MovieSalesMetrics.SalesRow;
import io.cinestream.spark.metrics.SessionMetrics.SessionRow;
import io.cinestream.testsupport.Fakesnow;
import io.cinestream.testsupport.LocalStack;
import io.cinestream.testsupport.LocalStackExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link MetricsWriter} on both warehouses: the embedded PostgreSQL migrated by Flyway, and the
 * fakesnow emulator with the Snowflake migrations (skipped, saying so, without the venv {@code
 * .local/venv/fakesnow}). The same rows, written twice with a changed value in between, read back
 * the same on both.
 */
@ExtendWith(LocalStackExtension.class)
class MetricsWriterTest {

  private static final Instant H10 = Instant.parse("2024-01-01T10:00:00Z");
  private static final Instant H11 = Instant.parse("2024-01-01T11:00:00Z");

  private static String postgresUrl;
  private static Fakesnow fakesnow;

  @BeforeAll
  static void createDatabase(LocalStack stack) {
    postgresUrl = stack.newWarehouseDatabase();
  }

  @AfterAll
  static void stop() throws Exception {
    if (fakesnow != null) {
      fakesnow.close();
    }
  }

  @Test
  void upsertsEveryMetricTableOnPostgres() throws Exception {
    writeAll(new MetricsWriter(postgresUrl, new Properties()));
    assertRows(postgresUrl, "extract(epoch from %s)::bigint * 1000");
  }

  @Test
  void mergesEveryMetricTableOnSnowflake() throws Exception {
    String url = startFakesnow();
    // The credentials come as connection properties here, as from the environment in production.
    Properties credentials = new Properties();
    credentials.setProperty("user", "fake");
    credentials.setProperty("password", "snow");
    writeAll(new MetricsWriter(url, credentials));
    assertRows(url + "&user=fake&password=snow", "DATE_PART(epoch_millisecond, %s)");
  }

  /** Writes one row per table, then the same keys again with new values (the later ones win). */
  private static void writeAll(MetricsWriter writer) throws SQLException {
    for (long count : new long[] {3, 4}) {
      assertThat(
              writer.writeRegistrations(
                  List.of(
                      RowFactory.create(
                          "tumbling_1h", Timestamp.from(H10), Timestamp.from(H11), count))))
          .isEqualTo(1);
    }
    List<SessionRow> sessions =
        List.of(
            SessionRow.tick(new SessionBook.Tick(H11.toEpochMilli(), 2, null, 1800.5, 0)),
            SessionRow.orphans(new SessionBook.OrphanMinute(H10.toEpochMilli(), 1)));
    assertThat(writer.writeSessions(sessions)).isEqualTo(2);
    assertThat(writer.writeSessions(sessions)).isEqualTo(2);
    List<SalesRow> sales =
        List.of(
            SalesRow.of(
                "ean:1",
                new MovieBook.Change(
                    "daily", H10.toEpochMilli(), H10.toEpochMilli() + 86_400_000L, 1999, 1)));
    assertThat(writer.writeSales(sales)).isEqualTo(1);
    assertThat(writer.writeSales(sales)).isEqualTo(1);
    // Insert-if-absent, like Flink's late sink: the first sighting (its watermark) is kept.
    for (long watermark : new long[] {H11.toEpochMilli(), H11.toEpochMilli() + 60_000L}) {
      assertThat(
              writer.writeLateEvents(
                  List.of(
                      LateEvents.LateRow.of(
                          "registration-metrics",
                          LATE_ID,
                          "consumer_registration",
                          H10.toEpochMilli(),
                          watermark))))
          .isEqualTo(1);
    }
  }

  private static void assertRows(String url, String epochMs) throws SQLException {
    assertThat(
            query(
                url,
                "SELECT engine, window_type, "
                    + String.format(epochMs, "window_start")
                    + ", "
                    + String.format(epochMs, "window_end")
                    + ", registration_count FROM user_registration_metrics"))
        .containsExactly(
            "spark|tumbling_1h|" + H10.toEpochMilli() + "|" + H11.toEpochMilli() + "|4");
    assertThat(
            query(
                url,
                "SELECT engine, "
                    + String.format(epochMs, "\"timestamp\"")
                    + ", active_sessions_count, average_session_duration_s,"
                    + " average_active_session_age_s, completed_sessions FROM session_metrics"))
        .containsExactly("spark|" + H11.toEpochMilli() + "|2|null|1800.5|0");
    assertThat(
            query(
                url,
                "SELECT engine, "
                    + String.format(epochMs, "minute")
                    + ", orphan_count FROM orphan_sign_outs"))
        .containsExactly("spark|" + H10.toEpochMilli() + "|1");
    assertThat(
            query(
                url,
                "SELECT engine, window_type, movie_id, total_sales, units_sold"
                    + " FROM movie_sales_metrics"))
        .containsExactly("spark|daily|ean:1|19.99|1");
    assertThat(
            query(
                url,
                "SELECT engine, job, event_id, kafka_topic, "
                    + String.format(epochMs, "event_time")
                    + ", "
                    + String.format(epochMs, "watermark")
                    + " FROM late_events"))
        .containsExactly(
            "spark|registration-metrics|"
                + LATE_ID
                + "|consumer_registration|"
                + H10.toEpochMilli()
                + "|"
                + H11.toEpochMilli());
  }

  private static final String LATE_ID = "00000000-0000-4000-8000-000000000007";

  /** Rows as {@code a|b|...}: numbers as Java prints them, doubles via getDouble, nulls as null. */
  private static List<String> query(String url, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          Object value = rs.getObject(i);
          if (value == null) {
            values.add("null");
          } else if (value instanceof Double || value instanceof Float) {
            values.add(Double.toString(rs.getDouble(i)));
          } else if (value instanceof java.math.BigDecimal d) {
            values.add(d.scale() > 0 ? d.toPlainString() : Long.toString(d.longValueExact()));
          } else {
            values.add(value.toString());
          }
        }
        rows.add(String.join("|", values));
      }
    }
    return rows;
  }

  private static String startFakesnow() throws Exception {
    fakesnow = Fakesnow.start(Path.of("target", "metrics-test-logs", "fakesnow.log"));
    String server =
        "jdbc:snowflake://127.0.0.1:"
            + fakesnow.port()
            + "/?ssl=off&account=fakesnow&maxHttpRetries=1&disablePlatformDetection=true";
    try (Connection c = DriverManager.getConnection(server + "&user=fake&password=snow");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE IF NOT EXISTS cinestream");
      st.execute("CREATE SCHEMA IF NOT EXISTS cinestream.metrics");
    }
    String url = server + "&db=CINESTREAM&schema=METRICS";
    try (Connection c = DriverManager.getConnection(url + "&user=fake&password=snow");
        Statement st = c.createStatement()) {
      for (String ddl : WarehouseDdl.statements(SqlDialect.SNOWFLAKE)) {
        st.execute(ddl);
      }
    }
    return url;
  }
}
