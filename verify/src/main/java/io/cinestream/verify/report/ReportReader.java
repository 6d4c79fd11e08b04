package io.cinestream.verify.report;

import io.cinestream.schemas.warehouse.WindowType;
import io.cinestream.verify.Verifier;
import io.cinestream.verify.report.ReportData.DaySales;
import io.cinestream.verify.report.ReportData.MovieSales;
import io.cinestream.verify.report.ReportData.SessionTick;
import io.cinestream.verify.report.ReportData.Timing;
import io.cinestream.verify.report.ReportData.TopMovies;
import io.cinestream.verify.report.ReportData.WindowCount;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the figures of the run report from the warehouse (docs/architecture.md#warehouse-tables raw
 * tables, section 5 metric tables) and runs the {@link Verifier} comparison.
 */
public final class ReportReader {

  /** The tables whose row counts the report shows: catalogue, raw events and dead letters. */
  public static final List<String> COUNTED_TABLES =
      List.of(
          "movies_catalog",
          "movies_catalog_quarantine",
          "consumer_events",
          "item_view_events",
          "cart_events",
          "item_rating_events",
          "dead_letter_events");

  /** The registration window types, in report order (docs/metrics.md). */
  public static final List<String> WINDOW_TYPES =
      List.of(WindowType.TUMBLING_1H.sqlName(), WindowType.SLIDING_1H_15M.sqlName());

  /** How many movies the top-sales table and chart show. */
  public static final int TOP_MOVIES = 20;

  private final Connection connection;

  /**
   * @param connection an open connection to the warehouse; not closed by this class
   */
  public ReportReader(Connection connection) {
    this.connection = connection;
  }

  /**
   * Reads every figure of the report.
   *
   * @param runId the run's id
   * @param generatedAt the report's time (UTC)
   * @param parameters run parameters to show, in order
   * @param timings the pipeline's step durations (empty when unknown)
   * @return the report's data
   * @throws SQLException on any database error
   */
  public ReportData read(
      String runId, Instant generatedAt, Map<String, String> parameters, List<Timing> timings)
      throws SQLException {
    Map<String, Map<String, List<WindowCount>>> registrations = readRegistrations();
    Map<String, List<SessionTick>> sessions = readSessions();
    Map<String, List<DaySales>> dailySales = readDailySales();
    Verifier.Comparison parity = new Verifier(connection).compareAll();
    List<String> engines =
        Verifier.ENGINES.stream()
            .filter(e -> parity.metrics().stream().anyMatch(m -> m.run().contains(e)))
            .toList();
    return new ReportData(
        runId,
        generatedAt,
        Collections.unmodifiableMap(new LinkedHashMap<>(parameters)),
        engines,
        readTableCounts(),
        readLateEvents(),
        registrations,
        sessions,
        readTopMovies(),
        dailySales,
        parity,
        List.copyOf(timings));
  }

  private Map<String, Long> readTableCounts() throws SQLException {
    Map<String, Long> counts = new LinkedHashMap<>();
    try (Statement st = connection.createStatement()) {
      for (String table : COUNTED_TABLES) {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
          rs.next();
          counts.put(table, rs.getLong(1));
        }
      }
    }
    return counts;
  }

  private Map<String, Long> readLateEvents() throws SQLException {
    Map<String, Long> byEngine = new HashMap<>();
    query(
        "SELECT engine, count(*) FROM late_events GROUP BY engine",
        rs -> byEngine.put(rs.getString(1), rs.getLong(2)));
    return inEngineOrder(byEngine);
  }

  private Map<String, Map<String, List<WindowCount>>> readRegistrations() throws SQLException {
    Map<String, Map<String, List<WindowCount>>> byType = new LinkedHashMap<>();
    for (String type : WINDOW_TYPES) {
      Map<String, List<WindowCount>> byEngine = new HashMap<>();
      try (PreparedStatement st =
          connection.prepareStatement(
              "SELECT engine, window_start, registration_count FROM user_registration_metrics"
                  + " WHERE window_type = ? ORDER BY engine, window_start")) {
        st.setString(1, type);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            byEngine
                .computeIfAbsent(rs.getString(1), e -> new ArrayList<>())
                .add(new WindowCount(instant(rs, 2), rs.getLong(3)));
          }
        }
      }
      byType.put(type, inEngineOrder(byEngine));
    }
    return byType;
  }

  private Map<String, List<SessionTick>> readSessions() throws SQLException {
    Map<String, List<SessionTick>> byEngine = new HashMap<>();
    query(
        "SELECT engine, \"timestamp\", active_sessions_count, average_session_duration_s"
            + " FROM session_metrics ORDER BY engine, \"timestamp\"",
        rs -> {
          double avg = rs.getDouble(4);
          Double average = rs.wasNull() ? null : avg;
          byEngine
              .computeIfAbsent(rs.getString(1), e -> new ArrayList<>())
              .add(new SessionTick(instant(rs, 2), rs.getLong(3), average));
        });
    return inEngineOrder(byEngine);
  }

  private Map<String, List<DaySales>> readDailySales() throws SQLException {
    Map<String, List<DaySales>> byEngine = new HashMap<>();
    query(
        "SELECT engine, window_start, sum(total_sales), sum(units_sold) FROM movie_sales_metrics"
            + " WHERE window_type = 'daily' GROUP BY engine, window_start"
            + " ORDER BY engine, window_start",
        rs ->
            byEngine
                .computeIfAbsent(rs.getString(1), e -> new ArrayList<>())
                .add(
                    new DaySales(
                        instant(rs, 2).atOffset(ZoneOffset.UTC).toLocalDate(),
                        rs.getBigDecimal(3),
                        rs.getLong(4))));
    return inEngineOrder(byEngine);
  }

  /** Each movie's last cumulative row per engine, ranked by the first engine that has sales. */
  private TopMovies readTopMovies() throws SQLException {
    Map<String, Map<String, BigDecimal>> totals = new TreeMap<>();
    Map<String, Map<String, Long>> units = new HashMap<>();
    Map<String, String> titles = new HashMap<>();
    query(
        "SELECT DISTINCT ON (s.engine, s.movie_id) s.engine, s.movie_id, s.total_sales,"
            + " s.units_sold, c.title FROM movie_sales_metrics s"
            + " LEFT JOIN movies_catalog c ON c.item_id = s.movie_id"
            + " WHERE s.window_type = 'cumulative'"
            + " ORDER BY s.engine, s.movie_id, s.window_start DESC",
        rs -> {
          String movie = rs.getString(2);
          totals
              .computeIfAbsent(movie, m -> new HashMap<>())
              .put(rs.getString(1), rs.getBigDecimal(3));
          units.computeIfAbsent(movie, m -> new HashMap<>()).put(rs.getString(1), rs.getLong(4));
          titles.put(movie, rs.getString(5) == null ? movie : rs.getString(5));
        });
    String rankedBy =
        Verifier.ENGINES.stream()
            .filter(e -> totals.values().stream().anyMatch(t -> t.containsKey(e)))
            .findFirst()
            .orElse(null);
    if (rankedBy == null) {
      return new TopMovies(null, List.of());
    }
    List<String> ranked =
        totals.entrySet().stream()
            .filter(t -> t.getValue().containsKey(rankedBy))
            .sorted(
                Comparator.comparing(
                        (Map.Entry<String, Map<String, BigDecimal>> t) ->
                            t.getValue().get(rankedBy))
                    .reversed()
                    .thenComparing(Map.Entry::getKey))
            .limit(TOP_MOVIES)
            .map(Map.Entry::getKey)
            .toList();
    List<MovieSales> movies = new ArrayList<>();
    for (String movie : ranked) {
      movies.add(
          new MovieSales(
              movies.size() + 1,
              movie,
              titles.get(movie),
              inEngineOrder(totals.get(movie)),
              inEngineOrder(units.get(movie))));
    }
    return new TopMovies(rankedBy, movies);
  }

  private static <V> Map<String, V> inEngineOrder(Map<String, V> byEngine) {
    Map<String, V> ordered = new LinkedHashMap<>();
    Verifier.ENGINES.stream()
        .filter(byEngine::containsKey)
        .forEach(e -> ordered.put(e, byEngine.get(e)));
    return ordered;
  }

  private static Instant instant(ResultSet rs, int index) throws SQLException {
    return rs.getObject(index, OffsetDateTime.class).toInstant();
  }

  private interface RowHandler {
    void accept(ResultSet rs) throws SQLException;
  }

  private void query(String sql, RowHandler handler) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(sql);
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        handler.accept(rs);
      }
    }
  }
}
