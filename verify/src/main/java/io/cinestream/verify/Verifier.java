package io.cinestream.verify;

import io.cinestream.schemas.warehouse.Engine;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Compares the flink, spark and reference rows of the four metric tables of
 * docs/metrics.md#verification, as a full outer comparison.
 *
 * <p>An engine "ran" a job when it has at least one row in one of the job's tables (the session job
 * writes {@code session_metrics} and {@code orphan_sign_outs}, so an engine with session ticks and
 * no orphan minute ran the orphan count too and is judged on it); an engine that did not run a job
 * is "not run" for its tables and not judged. Every key present for any engine that ran is judged
 * among all the engines that ran, when there are at least two: equal when all have the row with
 * equal values, different when values differ, missing for each engine without the row. A missing
 * row and an extra row (a key other engines lack: they are "missing" it) are both differences:
 * docs/metrics.md#verification makes every engine emit exactly the same keys (the windows and ticks
 * its watermark has passed, watermark tick records included), so there is no "not judged" category.
 * Counts compare exactly, averages within {@value #AVERAGE_TOLERANCE}, money to the cent.
 */
public final class Verifier {

  /** Engines in report order. */
  public static final List<String> ENGINES =
      List.of(Engine.FLINK.sqlName(), Engine.SPARK.sqlName(), Engine.REFERENCE.sqlName());

  /** Absolute tolerance of the session averages, in seconds. */
  public static final double AVERAGE_TOLERANCE = 1e-6;

  private enum Kind {
    TEXT,
    TIME,
    COUNT,
    AVERAGE,
    MONEY
  }

  private record Column(String sql, String label, Kind kind) {}

  /**
   * A metric table: its key and value columns, and {@code closesAt}, the SQL of the event time at
   * which a row's window is closed (its end; a session tick is its own time).
   */
  private record Table(
      String name, String job, List<Column> key, List<Column> values, String closesAt) {}

  private record Row(List<Object> key, List<Object> values) {}

  private static final List<Table> TABLES =
      List.of(
          new Table(
              "user_registration_metrics",
              "registration",
              List.of(col("window_type", Kind.TEXT), col("window_start", Kind.TIME)),
              List.of(col("registration_count", Kind.COUNT)),
              "window_end"),
          new Table(
              "session_metrics",
              "session",
              List.of(col("\"timestamp\"", Kind.TIME)),
              List.of(
                  col("active_sessions_count", Kind.COUNT),
                  col("average_session_duration_s", Kind.AVERAGE),
                  col("average_active_session_age_s", Kind.AVERAGE),
                  col("completed_sessions", Kind.COUNT)),
              "\"timestamp\""),
          new Table(
              "orphan_sign_outs",
              "session",
              List.of(col("minute", Kind.TIME)),
              List.of(col("orphan_count", Kind.COUNT)),
              "minute + INTERVAL '1 minute'"),
          new Table(
              "movie_sales_metrics",
              "sales",
              List.of(
                  col("window_type", Kind.TEXT),
                  col("movie_id", Kind.TEXT),
                  col("window_start", Kind.TIME)),
              List.of(col("total_sales", Kind.MONEY), col("units_sold", Kind.COUNT)),
              "window_end"));

  /**
   * The comparison of one metric table.
   *
   * @param metric table name
   * @param run engines that ran the metric's job (a row in one of its tables)
   * @param notRun engines that did not ("not run", not a difference)
   * @param compared keys compared: every key of any engine that ran, when at least two ran
   * @param equal compared keys equal on every engine
   * @param different compared keys where values differ
   * @param missing per engine that ran: compared keys without its row (for the others, an extra
   *     key)
   * @param differences one line per differing or missing key, in key order
   */
  public record MetricReport(
      String metric,
      List<String> run,
      List<String> notRun,
      int compared,
      int equal,
      int different,
      Map<String, Integer> missing,
      List<String> differences) {

    /**
     * @return true when a compared key differs or is missing for an engine
     */
    public boolean hasDifferences() {
      return !differences.isEmpty();
    }
  }

  /** The verdict of a comparison. */
  public enum Verdict {
    /** At least one key was compared and no compared key differs or is missing. */
    OK,
    /** A compared key differs or is missing for an engine. */
    DIFFERENCES,
    /** Fewer than two engines ran (e.g. only the reference): nothing judged. */
    NOT_COMPARED
  }

  /** Printed whenever spark ran: why its late_events may hold fewer rows than flink's. */
  static final String SPARK_LATE_EVENTS_NOTE =
      "note: spark's late_events come from its per-job late-event queries; its watermark moves"
          + " per micro-batch, so it calls at most the events Flink calls late";

  /**
   * The comparison of all four metric tables: what {@code verify compare} prints and the run report
   * renders.
   *
   * @param metrics one report per table, in the order registration, session, orphan, sales
   */
  public record Comparison(List<MetricReport> metrics) {

    /**
     * @return {@link Verdict#DIFFERENCES} when any metric has a difference, else {@link Verdict#OK}
     *     when any key was compared, else {@link Verdict#NOT_COMPARED}
     */
    public Verdict verdict() {
      if (metrics.stream().anyMatch(MetricReport::hasDifferences)) {
        return Verdict.DIFFERENCES;
      }
      return metrics.stream().anyMatch(m -> m.compared() > 0) ? Verdict.OK : Verdict.NOT_COMPARED;
    }

    /**
     * The comparison as text: per metric one summary line, then up to {@code maxLines} difference
     * lines indented by two spaces and a {@code ... N more} line for the rest; last a {@code
     * RESULT: OK}, {@code RESULT: OK (nothing compared: ...)} or {@code RESULT: DIFFERENCES} line.
     *
     * @param maxLines difference lines shown per metric, at least 0
     * @return the lines, without line terminators
     */
    public List<String> lines(int maxLines) {
      List<String> out = new ArrayList<>();
      for (MetricReport r : metrics) {
        out.add(
            String.format(
                "%s: compared=%d equal=%d different=%d missing=%s run=%s not run=%s",
                r.metric(),
                r.compared(),
                r.equal(),
                r.different(),
                r.missing(),
                r.run(),
                r.notRun()));
        r.differences().stream().limit(maxLines).forEach(line -> out.add("  " + line));
        if (r.differences().size() > maxLines) {
          out.add(String.format("  ... %d more", r.differences().size() - maxLines));
        }
      }
      if (metrics.stream().anyMatch(r -> r.run().contains("spark"))) {
        out.add(SPARK_LATE_EVENTS_NOTE);
      }
      out.add(
          switch (verdict()) {
            case OK -> "RESULT: OK";
            case NOT_COMPARED -> "RESULT: OK (nothing compared: fewer than two engines ran)";
            case DIFFERENCES -> "RESULT: DIFFERENCES";
          });
      return out;
    }
  }

  private final Connection connection;
  private final Instant closedBy;

  /**
   * A comparison of every row.
   *
   * @param connection an open connection to the warehouse; not closed by this class
   */
  public Verifier(Connection connection) {
    this(connection, null);
  }

  /**
   * A comparison of the windows closed by {@code closedBy} only: rows whose window ends later (a
   * session tick or orphan minute after it, a registration or sales window ending after it) are
   * left out, because an engine may show a window still open (a running total) or not yet. Live
   * mode passes its final tick's time minus the watermark bound (docs/operations.md#live).
   *
   * @param connection an open connection to the warehouse; not closed by this class
   * @param closedBy the event-time horizon, or null for every row
   */
  public Verifier(Connection connection, Instant closedBy) {
    this.connection = connection;
    this.closedBy = closedBy;
  }

  /**
   * Compares all four metric tables.
   *
   * @return one report per table, in the order registration, session, orphan, sales, with the
   *     verdict
   * @throws SQLException on any database error
   */
  public Comparison compareAll() throws SQLException {
    List<MetricReport> reports = new ArrayList<>();
    for (Table table : TABLES) {
      reports.add(compare(table));
    }
    return new Comparison(List.copyOf(reports));
  }

  private MetricReport compare(Table table) throws SQLException {
    Map<String, Map<List<Object>, Row>> byEngine = read(table);
    Set<String> ran = ranJob(table.job());
    List<String> run = ENGINES.stream().filter(ran::contains).toList();
    List<String> notRun = ENGINES.stream().filter(e -> !ran.contains(e)).toList();

    TreeMap<String, List<Object>> union = new TreeMap<>();
    for (String engine : run) {
      for (Row row : byEngine.get(engine).values()) {
        union.putIfAbsent(keyText(row.key()), row.key());
      }
    }

    int compared = 0;
    int equal = 0;
    int different = 0;
    Map<String, Integer> missing = new LinkedHashMap<>();
    run.forEach(e -> missing.put(e, 0));
    List<String> lines = new ArrayList<>();
    if (run.size() >= 2) {
      for (Map.Entry<String, List<Object>> entry : union.entrySet()) {
        compared++;
        Map<String, Row> present = new LinkedHashMap<>();
        List<String> absent = new ArrayList<>();
        for (String e : run) {
          Row r = byEngine.get(e).get(entry.getValue());
          if (r == null) {
            absent.add(e);
            missing.merge(e, 1, Integer::sum);
          } else {
            present.put(e, r);
          }
        }
        boolean same = sameValues(table, present.values().stream().toList());
        if (!same) {
          different++;
        } else if (absent.isEmpty()) {
          equal++;
        }
        if (!same || !absent.isEmpty()) {
          lines.add(describe(table, entry.getKey(), present, absent));
        }
      }
    }
    return new MetricReport(table.name(), run, notRun, compared, equal, different, missing, lines);
  }

  /** The engines with at least one row in a table of {@code job}. */
  private Set<String> ranJob(String job) throws SQLException {
    Set<String> ran = new HashSet<>();
    for (Table t : TABLES) {
      if (t.job().equals(job)) {
        try (PreparedStatement st =
                connection.prepareStatement("SELECT DISTINCT engine FROM " + t.name());
            ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            ran.add(rs.getString(1));
          }
        }
      }
    }
    return ran;
  }

  private Map<String, Map<List<Object>, Row>> read(Table table) throws SQLException {
    Map<String, Map<List<Object>, Row>> byEngine = new HashMap<>();
    ENGINES.forEach(e -> byEngine.put(e, new HashMap<>()));
    List<Column> cols = new ArrayList<>(table.key());
    cols.addAll(table.values());
    String sql =
        "SELECT engine, "
            + cols.stream().map(Column::sql).collect(Collectors.joining(", "))
            + " FROM "
            + table.name()
            + (closedBy == null ? "" : " WHERE " + table.closesAt() + " <= ?");
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      if (closedBy != null) {
        st.setObject(1, OffsetDateTime.ofInstant(closedBy, ZoneOffset.UTC));
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          List<Object> key = new ArrayList<>();
          List<Object> values = new ArrayList<>();
          for (int i = 0; i < cols.size(); i++) {
            Object v = value(rs, 2 + i, cols.get(i).kind());
            (i < table.key().size() ? key : values).add(v);
          }
          Map<List<Object>, Row> rows = byEngine.get(rs.getString(1));
          if (rows != null) {
            rows.put(key, new Row(key, values));
          }
        }
      }
    }
    return byEngine;
  }

  private static Object value(ResultSet rs, int index, Kind kind) throws SQLException {
    switch (kind) {
      case TIME:
        return rs.getObject(index, OffsetDateTime.class).toInstant();
      case COUNT:
        return rs.getLong(index);
      case AVERAGE:
        double d = rs.getDouble(index);
        return rs.wasNull() ? null : d;
      case MONEY:
        return rs.getBigDecimal(index);
      default:
        return rs.getString(index);
    }
  }

  private static boolean sameValues(Table table, List<Row> rows) {
    for (int r = 1; r < rows.size(); r++) {
      for (int i = 0; i < table.values().size(); i++) {
        Object a = rows.get(0).values().get(i);
        Object b = rows.get(r).values().get(i);
        if (!same(table.values().get(i).kind(), a, b)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean same(Kind kind, Object a, Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    switch (kind) {
      case AVERAGE:
        return Math.abs((Double) a - (Double) b) <= AVERAGE_TOLERANCE;
      case MONEY:
        // NUMERIC(18,2) already holds whole cents; compare cents so 1.5 equals 1.50.
        return ((BigDecimal) a).movePointRight(2).compareTo(((BigDecimal) b).movePointRight(2))
            == 0;
      default:
        return Objects.equals(a, b);
    }
  }

  private static String describe(
      Table table, String key, Map<String, Row> present, List<String> absent) {
    StringBuilder line = new StringBuilder(table.name()).append(' ').append(key).append(':');
    present.forEach(
        (engine, row) -> {
          line.append(' ').append(engine).append("=(");
          for (int i = 0; i < table.values().size(); i++) {
            line.append(i == 0 ? "" : ", ")
                .append(table.values().get(i).label())
                .append('=')
                .append(row.values().get(i));
          }
          line.append(')');
        });
    absent.forEach(engine -> line.append(' ').append(engine).append("=MISSING"));
    return line.toString();
  }

  private static String keyText(List<Object> key) {
    return key.stream().map(String::valueOf).collect(Collectors.joining(" "));
  }

  private static Column col(String sql, Kind kind) {
    return new Column(sql, sql.replace("\"", ""), kind);
  }
}
