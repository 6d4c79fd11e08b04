package io.cinestream.spark.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.testsupport.Fakesnow;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code snowflake} target's SQL ({@link SnowflakeSql}) and its MERGE step through
 * spark-snowflake's {@code Utils.runQuery} ({@link SnowflakeWarehouseWriter#mergeStage}), against
 * the fakesnow emulator (docs/production.md#what-the-emulator-does-and-does-not-test). The staging
 * rows are inserted with snowflake-jdbc, because the connector's write path (internal stage PUT +
 * COPY) cannot run on the emulator; that path is covered by {@link SnowflakeWriterIntegrationTest}
 * with real credentials.
 *
 * <p>Needs the venv {@code .local/venv/fakesnow} ({@code fakesnow[server]==0.12.1}, {@code
 * snowflake-connector-python<5}); skipped, saying so, when it is missing.
 */
class SnowflakeMergeTest {

  private static Fakesnow fakesnow;
  private static int port;

  @BeforeAll
  static void startFakesnow() throws Exception {
    fakesnow = Fakesnow.start(Path.of("target", "load-test-logs", "fakesnow.log"));
    port = fakesnow.port();
    try (Connection c = connect(null);
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE IF NOT EXISTS cinestream");
      st.execute("CREATE SCHEMA IF NOT EXISTS cinestream.raw");
    }
  }

  @AfterAll
  static void stopFakesnow() throws InterruptedException {
    if (fakesnow != null) {
      fakesnow.close();
    }
  }

  @Test
  void mergeInsertsEachAbsentEventOnceAndIsIdempotentOnReplay() throws Exception {
    RawTable table = RawTable.CART_EVENTS;
    String stage = SnowflakeSql.stageName(table, 7);
    try (Connection c = connect("CINESTREAM");
        Statement st = c.createStatement()) {
      st.execute(SnowflakeSql.createTable(table));
      st.execute(SnowflakeSql.createStage(table, stage));
      // A checkout, an add, and the add again at a later offset (a producer retry).
      stageCartRow(
          c,
          stage,
          "11111111-1111-1111-1111-111111111111",
          "checkout_to_cart",
          null,
          "Card",
          1_772_352_000_123L,
          5);
      stageCartRow(
          c,
          stage,
          "22222222-2222-2222-2222-222222222222",
          "added_to_cart",
          "ean:1",
          null,
          1_772_352_001_000L,
          9);
      stageCartRow(
          c,
          stage,
          "22222222-2222-2222-2222-222222222222",
          "added_to_cart",
          "ean:1",
          null,
          1_772_352_001_000L,
          3);
    }
    SnowflakeWarehouseWriter writer = new SnowflakeWarehouseWriter(sfOptions());

    long first = writer.mergeStage(table, stage);
    List<String> afterFirst = cartRows();
    long replay = writer.mergeStage(table, stage);

    assertThat(first).isEqualTo(2);
    assertThat(afterFirst)
        .containsExactly(
            "11111111-1111-1111-1111-111111111111|checkout_to_cart|42|null|Card|1772352000123|5",
            "22222222-2222-2222-2222-222222222222|added_to_cart|42|ean:1|null|1772352001000|3");
    assertThat(replay).isZero();
    assertThat(cartRows()).isEqualTo(afterFirst);
  }

  @Test
  void mergesDeadLettersOnTheirKafkaCoordinates() throws Exception {
    RawTable table = RawTable.DEAD_LETTER_EVENTS;
    String stage = SnowflakeSql.stageName(table, 8);
    try (Connection c = connect("CINESTREAM");
        Statement st = c.createStatement()) {
      st.execute(SnowflakeSql.createTable(table));
      st.execute(SnowflakeSql.createStage(table, stage));
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO "
                  + stage
                  + " VALUES (?, CAST(? AS INTEGER), CAST(? AS BIGINT), ?, ?, ?)")) {
        for (String offset : List.of("4", "5")) {
          ps.setString(1, "sign_in");
          ps.setString(2, "1");
          ps.setString(3, offset);
          ps.setString(4, "7");
          ps.setString(5, "AQID");
          ps.setString(6, "BAD_MAGIC_BYTE: magic byte 0x01");
          ps.executeUpdate();
        }
      }
    }
    SnowflakeWarehouseWriter writer = new SnowflakeWarehouseWriter(sfOptions());

    assertThat(writer.mergeStage(table, stage)).isEqualTo(2);
    assertThat(writer.mergeStage(table, stage)).isZero();
    try (Connection c = connect("CINESTREAM");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT kafka_offset, error FROM dead_letter_events ORDER BY 1")) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getLong(1) + "|" + rs.getString(2));
      }
      assertThat(rows)
          .containsExactly(
              "4|BAD_MAGIC_BYTE: magic byte 0x01", "5|BAD_MAGIC_BYTE: magic byte 0x01");
    }
  }

  private static void stageCartRow(
      Connection c,
      String stage,
      String eventId,
      String eventName,
      String itemId,
      String payment,
      long timeMs,
      long offset)
      throws SQLException {
    // Column order of SnowflakeSql.createStage: the table's columns under their decoded names.
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + stage
                + " VALUES (?, ?, CAST(? AS INTEGER), ?, ?, ?, CAST(? AS BIGINT), ?,"
                + " CAST(? AS INTEGER), CAST(? AS BIGINT))")) {
      ps.setString(1, eventId);
      ps.setString(2, eventName);
      ps.setString(3, "42");
      ps.setString(4, "33333333-3333-3333-3333-333333333333");
      ps.setString(5, itemId);
      ps.setString(6, payment);
      ps.setString(7, Long.toString(timeMs));
      ps.setString(8, "cart_topic");
      ps.setString(9, "0");
      ps.setString(10, Long.toString(offset));
      ps.executeUpdate();
    }
  }

  private static List<String> cartRows() throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = connect("CINESTREAM");
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT event_id, event_name, user_id, item_id, payment_method,"
                    + " DATE_PART(epoch_millisecond, event_time), kafka_offset FROM cart_events"
                    + " ORDER BY event_id")) {
      while (rs.next()) {
        StringBuilder line = new StringBuilder();
        for (int i = 1; i <= 7; i++) {
          line.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        rows.add(line.toString());
      }
    }
    return rows;
  }

  private static Connection connect(String database) throws SQLException {
    String url =
        "jdbc:snowflake://127.0.0.1:"
            + port
            + "/?ssl=off&account=fakesnow&user=fake&password=snow&maxHttpRetries=1"
            // snowflake-jdbc 3.28 otherwise probes cloud metadata endpoints at login.
            + "&disablePlatformDetection=true"
            + (database == null ? "" : "&db=" + database + "&schema=RAW");
    return DriverManager.getConnection(url);
  }

  /** The options spark-snowflake would get in production, pointed at the emulator. */
  private static Map<String, String> sfOptions() {
    Map<String, String> o = new LinkedHashMap<>();
    o.put("sfURL", "127.0.0.1:" + port);
    o.put("sfSSL", "off");
    o.put("sfAccount", "fakesnow");
    o.put("sfUser", "fake");
    o.put("sfPassword", "snow");
    o.put("sfDatabase", "CINESTREAM");
    o.put("sfSchema", "RAW");
    o.put("sfWarehouse", "none");
    o.put("maxHttpRetries", "1");
    o.put("disablePlatformDetection", "true");
    return o;
  }
}
