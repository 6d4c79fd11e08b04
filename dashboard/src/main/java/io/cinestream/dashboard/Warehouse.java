package io.cinestream.dashboard;

import io.cinestream.schemas.warehouse.WarehouseConnections;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The dashboard's and the monitor's reads of the warehouse's metric, late-event and dead-letter
 * tables (docs/operations.md#dashboard): PostgreSQL locally (role {@code cinestream}), in plain SQL
 * that Snowflake also runs (no PostgreSQL-only syntax; tested on PostgreSQL). Every call opens its
 * own short connection, so a restarted warehouse is picked up on the next call.
 */
public final class Warehouse {

  /**
   * The metric names of {@code cinestream_metric_freshness_seconds}
   * (docs/operations.md#monitoring).
   */
  public static final List<String> METRICS =
      List.of("session", "registration_tumbling", "registration_sliding", "movie_sales");

  /**
   * The engines the page and the gauges show; the reference (computed by {@code ./pipeline verify})
   * and the bench's {@code flink_sql} are left out.
   */
  public static final List<String> ENGINES = List.of("flink", "spark");

  private static final String ENGINE_IN = " engine IN ('flink', 'spark')";

  /** The four raw tables counted by {@code cinestream_raw_events_total}. */
  public static final List<String> RAW_TABLES =
      List.of("consumer_events", "item_view_events", "cart_events", "item_rating_events");

  /**
   * Tolerance on average durations, in seconds: the verifier's ({@code
   * io.cinestream.verify.Verifier.AVERAGE_TOLERANCE}, docs/metrics.md).
   */
  static final double AVERAGE_TOLERANCE = 1e-6;

  private final String jdbcUrl;
  private final Map<String, String> env;

  /**
   * A reader of one warehouse.
   *
   * @param jdbcUrl a {@code jdbc:postgresql:} URL (the user as a parameter)
   * @param env the environment; its {@code CINESTREAM_JDBC_PASSWORD} is the password when the URL
   *     has none
   */
  public Warehouse(String jdbcUrl, Map<String, String> env) {
    this.jdbcUrl = jdbcUrl;
    this.env = Map.copyOf(env);
  }

  Connection connect() throws SQLException {
    Properties p = WarehouseConnections.properties(jdbcUrl, env);
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      // A warehouse that does not answer must not hold a reading (or a page request) for long.
      p.putIfAbsent("connectTimeout", "5");
      p.putIfAbsent("socketTimeout", "30");
    }
    return DriverManager.getConnection(jdbcUrl, p);
  }

  /**
   * One session tick of one engine.
   *
   * @param engine {@code flink} or {@code spark}
   * @param tick the minute tick T (event time)
   * @param activeSessions sessions open at T
   * @param averageDurationS mean duration in seconds of the sessions closed in (T - 1 h, T], or
   *     null when none closed
   */
  public record SessionPoint(
      String engine, Instant tick, long activeSessions, Double averageDurationS) {}

  /**
   * One registration window of one engine.
   *
   * @param engine {@code flink} or {@code spark}
   * @param windowType {@code tumbling_1h} or {@code sliding_1h_15m}
   * @param windowStart the window's start
   * @param windowEnd its end
   * @param count registrations in it
   */
  public record RegistrationPoint(
      String engine, String windowType, Instant windowStart, Instant windowEnd, long count) {}

  /**
   * One movie's sales in a daily window.
   *
   * @param movieId the catalogue's {@code item_id}
   * @param title its catalogue title, or null when the catalogue lacks it
   * @param totalSales sales in dollars (two decimals)
   * @param unitsSold units sold
   */
  public record MovieSales(String movieId, String title, BigDecimal totalSales, long unitsSold) {}

  /**
   * The top movies of one engine's daily window.
   *
   * @param engine {@code flink} or {@code spark}
   * @param windowStart the UTC day's start
   * @param windowEnd its end
   * @param movies best first
   */
  public record TopMovies(
      String engine, Instant windowStart, Instant windowEnd, List<MovieSales> movies) {}

  /**
   * The newest closed tick or window end per engine and metric. Rows whose window ends after {@code
   * now} are windows still open (Spark upserts the running totals of the current day) and are left
   * out: freshness is about closed windows (docs/operations.md#monitoring).
   *
   * @param now the wall clock
   * @return engine (of {@link #ENGINES}), then metric name (of {@link #METRICS}), then its event
   *     time; an engine or metric without a closed row is absent
   * @throws SQLException on a database error
   */
  public Map<String, Map<String, Instant>> newestClosed(Instant now) throws SQLException {
    String sql =
        "SELECT engine, 'session', max(\"timestamp\") FROM session_metrics"
            + " WHERE"
            + ENGINE_IN
            + " AND \"timestamp\" <= ? GROUP BY engine"
            + " UNION ALL SELECT engine, CASE window_type WHEN 'tumbling_1h'"
            + " THEN 'registration_tumbling' ELSE 'registration_sliding' END, max(window_end)"
            + " FROM user_registration_metrics WHERE"
            + ENGINE_IN
            + " AND window_end <= ? GROUP BY engine, window_type"
            + " UNION ALL SELECT engine, 'movie_sales', max(window_end) FROM movie_sales_metrics"
            + " WHERE"
            + ENGINE_IN
            + " AND window_type = 'daily' AND window_end <= ? GROUP BY engine"
            + " ORDER BY 1, 2";
    Map<String, Map<String, Instant>> out = new LinkedHashMap<>();
    try (Connection c = connect();
        PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 1; i <= 3; i++) {
        st.setTimestamp(i, Timestamp.from(now));
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), e -> new LinkedHashMap<>())
              .put(rs.getString(2), instant(rs, 3));
        }
      }
    }
    return out;
  }

  /**
   * Late events recorded per engine (table {@code late_events}).
   *
   * @return engine (of {@link #ENGINES}) to count, in name order; an engine without any is absent
   * @throws SQLException on a database error
   */
  public Map<String, Long> lateEvents() throws SQLException {
    return counts(
        "SELECT engine, count(*) FROM late_events WHERE"
            + ENGINE_IN
            + " GROUP BY engine ORDER BY 1");
  }

  /**
   * Dead letters per reason: the text of {@code dead_letter_events.error} before its first colon
   * (e.g. {@code BAD_MAGIC_BYTE}).
   *
   * @return reason to count, in name order
   * @throws SQLException on a database error
   */
  public Map<String, Long> deadLetters() throws SQLException {
    return counts(
        "SELECT split_part(error, ':', 1), count(*) FROM dead_letter_events"
            + " GROUP BY 1 ORDER BY 1");
  }

  /**
   * Rows of each raw table.
   *
   * @return table (of {@link #RAW_TABLES}) to rows, every table present
   * @throws SQLException on a database error
   */
  public Map<String, Long> rawEvents() throws SQLException {
    StringBuilder sql = new StringBuilder();
    for (String table : RAW_TABLES) {
      if (sql.length() > 0) {
        sql.append(" UNION ALL ");
      }
      sql.append("SELECT '").append(table).append("', count(*) FROM ").append(table);
    }
    return counts(sql.toString());
  }

  /**
   * The live parity check: rows that flink and spark both have (closed by both) and that differ,
   * per metric. Keys only one engine has are not counted (docs/operations.md#monitoring).
   *
   * @return metric name (of {@link #METRICS}) to mismatching rows, every metric present
   * @throws SQLException on a database error
   */
  public Map<String, Long> parityMismatches() throws SQLException {
    String session =
        "SELECT 'session', count(*) FROM session_metrics f JOIN session_metrics s"
            + " ON s.engine = 'spark' AND s.\"timestamp\" = f.\"timestamp\" WHERE f.engine = 'flink'"
            + " AND (f.active_sessions_count <> s.active_sessions_count"
            + " OR f.completed_sessions <> s.completed_sessions"
            + " OR (f.average_session_duration_s IS NULL) <> (s.average_session_duration_s IS NULL)"
            + " OR abs(f.average_session_duration_s - s.average_session_duration_s) > "
            + AVERAGE_TOLERANCE
            + ")";
    String registration =
        "SELECT CASE f.window_type WHEN 'tumbling_1h' THEN 'registration_tumbling'"
            + " ELSE 'registration_sliding' END, count(*) FROM user_registration_metrics f"
            + " JOIN user_registration_metrics s ON s.engine = 'spark'"
            + " AND s.window_type = f.window_type AND s.window_start = f.window_start"
            + " WHERE f.engine = 'flink' AND f.registration_count <> s.registration_count"
            + " GROUP BY 1";
    String sales =
        "SELECT 'movie_sales', count(*) FROM movie_sales_metrics f JOIN movie_sales_metrics s"
            + " ON s.engine = 'spark' AND s.window_type = f.window_type"
            + " AND s.movie_id = f.movie_id AND s.window_start = f.window_start"
            + " WHERE f.engine = 'flink' AND f.window_type = 'daily'"
            + " AND (f.total_sales <> s.total_sales OR f.units_sold <> s.units_sold)";
    Map<String, Long> out = new LinkedHashMap<>();
    METRICS.forEach(m -> out.put(m, 0L));
    out.putAll(counts(session + " UNION ALL " + registration + " UNION ALL " + sales));
    return out;
  }

  /**
   * Session ticks of the engines of {@link #ENGINES} in the {@code hours} before the newest tick of
   * any engine: the series of the active-sessions chart.
   *
   * @param hours how far back from the newest tick, in hours
   * @return points by engine then tick
   * @throws SQLException on a database error
   */
  public List<SessionPoint> sessions(int hours) throws SQLException {
    String sql =
        "SELECT engine, \"timestamp\", active_sessions_count, average_session_duration_s"
            + " FROM session_metrics WHERE"
            + ENGINE_IN
            + " AND \"timestamp\" > ? ORDER BY engine, \"timestamp\"";
    List<SessionPoint> out = new ArrayList<>();
    try (Connection c = connect()) {
      Instant newest =
          newest(c, "SELECT max(\"timestamp\") FROM session_metrics WHERE" + ENGINE_IN);
      if (newest == null) {
        return out;
      }
      try (PreparedStatement st = c.prepareStatement(sql)) {
        st.setTimestamp(1, Timestamp.from(newest.minus(Duration.ofHours(hours))));
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            out.add(sessionPoint(rs));
          }
        }
      }
    }
    return out;
  }

  /**
   * The newest session tick of each engine of {@link #ENGINES}.
   *
   * @return one point per engine, in engine order
   * @throws SQLException on a database error
   */
  public List<SessionPoint> latestSessions() throws SQLException {
    String sql =
        "SELECT s.engine, s.\"timestamp\", s.active_sessions_count, s.average_session_duration_s"
            + " FROM session_metrics s JOIN (SELECT engine, max(\"timestamp\") AS newest"
            + " FROM session_metrics WHERE"
            + ENGINE_IN
            + " GROUP BY engine) n ON n.engine = s.engine AND n.newest = s.\"timestamp\""
            + " ORDER BY s.engine";
    List<SessionPoint> out = new ArrayList<>();
    try (Connection c = connect();
        PreparedStatement st = c.prepareStatement(sql);
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        out.add(sessionPoint(rs));
      }
    }
    return out;
  }

  private static SessionPoint sessionPoint(ResultSet rs) throws SQLException {
    double avg = rs.getDouble(4);
    Double average = rs.wasNull() ? null : avg;
    return new SessionPoint(rs.getString(1), instant(rs, 2), rs.getLong(3), average);
  }

  private static Instant newest(Connection c, String sql) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(sql);
        ResultSet rs = st.executeQuery()) {
      return rs.next() ? instant(rs, 1) : null;
    }
  }

  /**
   * Registration windows of the engines of {@link #ENGINES} whose start lies in the {@code hours}
   * before the newest window start.
   *
   * @param hours how far back, in hours
   * @return points by engine, window type, start
   * @throws SQLException on a database error
   */
  public List<RegistrationPoint> registrations(int hours) throws SQLException {
    String sql =
        "SELECT engine, window_type, window_start, window_end, registration_count"
            + " FROM user_registration_metrics WHERE"
            + ENGINE_IN
            + " AND window_start > ? ORDER BY engine, window_type, window_start";
    List<RegistrationPoint> out = new ArrayList<>();
    try (Connection c = connect()) {
      Instant newest =
          newest(c, "SELECT max(window_start) FROM user_registration_metrics WHERE" + ENGINE_IN);
      if (newest == null) {
        return out;
      }
      try (PreparedStatement st = c.prepareStatement(sql)) {
        st.setTimestamp(1, Timestamp.from(newest.minus(Duration.ofHours(hours))));
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            out.add(
                new RegistrationPoint(
                    rs.getString(1),
                    rs.getString(2),
                    instant(rs, 3),
                    instant(rs, 4),
                    rs.getLong(5)));
          }
        }
      }
    }
    return out;
  }

  /**
   * Today's top movies by sales: the newest daily window that flink or spark wrote (flink's when
   * both have it), best first, with the catalogue title. Flink writes a day when it closes; Spark
   * also upserts the running totals of the day still open, so during a live day the newest window
   * is Spark's (docs/metrics.md#movie-sales).
   *
   * @param limit how many movies at most
   * @return the engine and window shown and its movies by total sales descending, then movie id;
   *     empty when neither engine wrote a daily row
   * @throws SQLException on a database error
   */
  public Optional<TopMovies> topMovies(int limit) throws SQLException {
    String newest =
        "SELECT engine, window_start, window_end FROM movie_sales_metrics WHERE"
            + ENGINE_IN
            + " AND window_type = 'daily'"
            + " ORDER BY window_start DESC, CASE engine WHEN 'flink' THEN 0 ELSE 1 END LIMIT 1";
    String movies =
        "SELECT m.movie_id, c.title, m.total_sales, m.units_sold"
            + " FROM movie_sales_metrics m LEFT JOIN movies_catalog c ON c.item_id = m.movie_id"
            + " WHERE m.engine = ? AND m.window_type = 'daily' AND m.window_start = ?"
            + " ORDER BY m.total_sales DESC, m.movie_id LIMIT ?";
    try (Connection c = connect()) {
      String engine;
      Instant start;
      Instant end;
      try (PreparedStatement st = c.prepareStatement(newest);
          ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        engine = rs.getString(1);
        start = instant(rs, 2);
        end = instant(rs, 3);
      }
      List<MovieSales> out = new ArrayList<>();
      try (PreparedStatement st = c.prepareStatement(movies)) {
        st.setString(1, engine);
        st.setTimestamp(2, Timestamp.from(start));
        st.setInt(3, limit);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            out.add(
                new MovieSales(
                    rs.getString(1), rs.getString(2), rs.getBigDecimal(3), rs.getLong(4)));
          }
        }
      }
      return Optional.of(new TopMovies(engine, start, end, out));
    }
  }

  private Map<String, Long> counts(String sql) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Connection c = connect();
        PreparedStatement st = c.prepareStatement(sql);
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
