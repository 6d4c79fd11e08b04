package io.cinestream.devstack;

import io.cinestream.schemas.warehouse.WarehouseConnections;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code devstack table-counts}: prints the row count of each warehouse table, one {@code table
 * count} line each; metric tables are split by {@code engine}. Used by {@code ./pipeline} after
 * each step so a run shows what it wrote. Exit code 0, or 1 when the warehouse cannot be queried.
 */
@Command(name = "table-counts", description = "Row counts of the warehouse tables.")
public final class TableCounts implements Callable<Integer> {

  /**
   * Raw and catalogue tables (docs/operations.md#the-movie-catalogue and
   * docs/architecture.md#warehouse-tables).
   */
  public static final List<String> RAW_TABLES =
      List.of(
          "movies_catalog",
          "movies_catalog_quarantine",
          "consumer_events",
          "item_view_events",
          "cart_events",
          "item_rating_events",
          "dead_letter_events",
          "watermark_ticks");

  /** Metric tables (docs/metrics.md), counted per engine. */
  public static final List<String> METRIC_TABLES =
      List.of(
          "user_registration_metrics",
          "session_metrics",
          "orphan_sign_outs",
          "movie_sales_metrics",
          "late_events");

  @Option(
      names = "--jdbc-url",
      defaultValue = "jdbc:postgresql://127.0.0.1:5432/cinestream?user=cinestream",
      description = "Warehouse JDBC URL.")
  String jdbcUrl;

  @Option(names = "--metrics", description = "Count the metric tables per engine instead.")
  boolean metrics;

  @Override
  public Integer call() throws SQLException {
    try (Connection c =
        DriverManager.getConnection(
            jdbcUrl, WarehouseConnections.properties(jdbcUrl, System.getenv()))) {
      for (String line : metrics ? metricCounts(c) : rawCounts(c)) {
        System.out.println(line);
      }
    }
    return 0;
  }

  /** {@code "<table> <count>"} for each raw table. */
  static List<String> rawCounts(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement()) {
      for (String table : RAW_TABLES) {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
          rs.next();
          out.add(String.format("%-28s %,12d", table, rs.getLong(1)));
        }
      }
    }
    return out;
  }

  /** {@code "<table> <engine> <count>"} for each metric table and engine present. */
  static List<String> metricCounts(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement()) {
      for (String table : METRIC_TABLES) {
        try (ResultSet rs =
            st.executeQuery(
                "SELECT engine, count(*) FROM " + table + " GROUP BY engine ORDER BY engine")) {
          boolean any = false;
          while (rs.next()) {
            any = true;
            out.add(String.format("%-28s %-10s %,12d", table, rs.getString(1), rs.getLong(2)));
          }
          if (!any) {
            out.add(String.format("%-28s %-10s %,12d", table, "-", 0));
          }
        }
      }
    }
    return out;
  }
}
