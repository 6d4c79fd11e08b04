package io.cinestream.devstack.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinestream.schemas.warehouse.Engine;
import io.cinestream.schemas.warehouse.MetricJob;
import io.cinestream.schemas.warehouse.OutputTable;
import io.cinestream.schemas.warehouse.SqlDialect;
import io.cinestream.schemas.warehouse.TableWriter;
import io.cinestream.schemas.warehouse.WarehouseDdl;
import io.cinestream.schemas.warehouse.WindowType;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warehouse migrations (schemas' {@code db/postgres}) on a real PostgreSQL, and the generated
 * write statements of {@link SqlDialect#POSTGRES} run against them.
 */
class EmbeddedWarehouseTest {

  @TempDir static Path dataDir;
  private static EmbeddedWarehouse warehouse;

  private static final Instant H0 = Instant.parse("2026-03-02T10:00:00Z");
  private static final Instant H1 = Instant.parse("2026-03-02T11:00:00Z");

  @BeforeAll
  static void start() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    warehouse = EmbeddedWarehouse.start(dataDir, port);
  }

  @AfterAll
  static void stop() throws IOException {
    if (warehouse != null) {
      warehouse.close();
    }
  }

  @Test
  void historyRecordsScriptNamesWithoutTheLocationSoTheMovedFilesValidate() throws Exception {
    assertThat(EmbeddedWarehouse.migrate(warehouse.jdbcUrl())).isZero();
    assertThat(
            query(
                "SELECT version || ' ' || script FROM flyway_schema_history"
                    + " WHERE version IS NOT NULL ORDER BY installed_rank"))
        .containsExactly(
            "1 V1__raw_tables.sql",
            "2 V2__movie_catalog.sql",
            "3 V3__metric_tables.sql",
            "4 V4__unpriced_sale_items.sql",
            "6 V6__watermark_ticks.sql",
            "8 V8__flink_sql_engine.sql");
  }

  @Test
  void aWarehouseMigratedFromTheOldDevstackLocationValidatesAndGetsNothingNew(@TempDir Path old)
      throws Exception {
    // The same files under the location they had before the move (devstack db/migration).
    Path migration = Files.createDirectories(old.resolve("db/migration"));
    for (String file : WarehouseDdl.MIGRATIONS) {
      try (InputStream in =
          getClass().getClassLoader().getResourceAsStream("db/postgres/" + file)) {
        Files.copy(in, migration.resolve(file));
      }
    }
    try (Connection c = DriverManager.getConnection(warehouse.jdbcUrl());
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE legacy");
    }
    String legacy = warehouse.jdbcUrl().replace("/cinestream?", "/legacy?");
    Flyway.configure()
        .dataSource(legacy, null, null)
        .locations("filesystem:" + migration)
        .load()
        .migrate();

    assertThat(EmbeddedWarehouse.migrate(legacy)).isZero();
    Flyway.configure()
        .dataSource(legacy, null, null)
        .locations(WarehouseDdl.POSTGRES_LOCATION)
        .load()
        .validate();
  }

  @Test
  void upsertsReplaceMetricRowsOnTheirNaturalKey() throws Exception {
    String engine = Engine.REFERENCE.sqlName();
    try (Connection c = DriverManager.getConnection(warehouse.jdbcUrl())) {
      TableWriter writer = new TableWriter(c, SqlDialect.POSTGRES);
      writer.write(
          OutputTable.USER_REGISTRATION_METRICS,
          rows(new Object[] {engine, WindowType.TUMBLING_1H.sqlName(), H0, H1, 3L}));
      writer.write(
          OutputTable.USER_REGISTRATION_METRICS,
          rows(new Object[] {engine, WindowType.TUMBLING_1H.sqlName(), H0, H1, 4L}));
      writer.write(
          OutputTable.SESSION_METRICS, rows(new Object[] {engine, H1, 2L, null, 1800.5, 0L}));
      writer.write(OutputTable.ORPHAN_SIGN_OUTS, rows(new Object[] {engine, H0, 1L}));
      writer.write(
          OutputTable.MOVIE_SALES_METRICS,
          rows(
              new Object[] {
                engine, WindowType.DAILY.sqlName(), "ean:1", H0, H1, new BigDecimal("19.99"), 1L
              }));
    }
    assertThat(
            query(
                "SELECT window_type || ' ' || window_start || ' ' || window_end || ' '"
                    + " || registration_count FROM user_registration_metrics"
                    + " WHERE engine = 'reference'"))
        .containsExactly("tumbling_1h 2026-03-02 10:00:00+00 2026-03-02 11:00:00+00 4");
    assertThat(
            query(
                "SELECT \"timestamp\" || ' ' || active_sessions_count || ' '"
                    + " || coalesce(average_session_duration_s::text, 'null') || ' '"
                    + " || average_active_session_age_s || ' ' || completed_sessions"
                    + " FROM session_metrics WHERE engine = 'reference'"))
        .containsExactly("2026-03-02 11:00:00+00 2 null 1800.5 0");
    assertThat(query("SELECT minute || ' ' || orphan_count FROM orphan_sign_outs"))
        .containsExactly("2026-03-02 10:00:00+00 1");
    assertThat(
            query(
                "SELECT movie_id || ' ' || window_type || ' ' || total_sales || ' ' || units_sold"
                    + " FROM movie_sales_metrics"))
        .containsExactly("ean:1 daily 19.99 1");
  }

  @Test
  void everyEngineColumnAdmitsExactlyTheEnginesOfTheEnum() throws Exception {
    List<String> checks =
        query(
            "SELECT conrelid::regclass || ' ' || pg_get_constraintdef(oid) FROM pg_constraint"
                + " WHERE conname LIKE '%engine_check' ORDER BY 1");
    assertThat(checks)
        .hasSize(6)
        .allSatisfy(
            check -> {
              for (Engine engine : Engine.values()) {
                assertThat(check).contains("'" + engine.sqlName() + "'::text");
              }
            });
    try (Connection c = DriverManager.getConnection(warehouse.jdbcUrl());
        Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      String insert =
          "INSERT INTO user_registration_metrics (engine, window_type, window_start, window_end,"
              + " registration_count) VALUES ('%s', 'tumbling_1h', '2026-03-02T10:00:00Z',"
              + " '2026-03-02T11:00:00Z', 1)";
      assertThat(st.executeUpdate(insert.formatted("flink_sql"))).isEqualTo(1);
      assertThatThrownBy(() -> st.executeUpdate(insert.formatted("flinksql")))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("user_registration_metrics_engine_check");
      c.rollback();
    }
  }

  @Test
  void lateEventsAndDeadLettersKeepTheFirstSighting() throws Exception {
    String id = "5f0c6a8e-1c7b-4b8e-9a51-0f4b1e2d3c4a";
    try (Connection c = DriverManager.getConnection(warehouse.jdbcUrl())) {
      TableWriter writer = new TableWriter(c, SqlDialect.POSTGRES);
      String job = MetricJob.SESSION_METRICS.jobName();
      writer.write(
          OutputTable.LATE_EVENTS,
          rows(new Object[] {Engine.FLINK.sqlName(), job, id, "sign_in", H0, H1}));
      writer.write(
          OutputTable.LATE_EVENTS,
          rows(new Object[] {Engine.FLINK.sqlName(), job, id, "sign_in", H0, null}));
      writer.write(
          OutputTable.DEAD_LETTER_EVENTS,
          rows(new Object[] {"sign_in", 1, 42L, "7", "AAEC", "bad magic byte"}));
      writer.write(
          OutputTable.DEAD_LETTER_EVENTS,
          rows(new Object[] {"sign_in", 1, 42L, "7", "AAEC", "a later error"}));
    }
    assertThat(query("SELECT job || ' ' || event_id || ' ' || watermark FROM late_events"))
        .containsExactly("session-metrics " + id + " 2026-03-02 11:00:00+00");
    assertThat(
            query(
                "SELECT kafka_topic || ' ' || kafka_partition || ' ' || kafka_offset || ' '"
                    + " || error FROM dead_letter_events"))
        .containsExactly("sign_in 1 42 bad magic byte");
  }

  private static List<Object[]> rows(Object[] row) {
    List<Object[]> rows = new ArrayList<>();
    rows.add(row);
    return rows;
  }

  private static List<String> query(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(warehouse.jdbcUrl());
        Statement st = c.createStatement()) {
      st.execute("SET TIME ZONE 'UTC'");
      List<String> out = new ArrayList<>();
      try (ResultSet rs = st.executeQuery(sql)) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    }
  }
}
