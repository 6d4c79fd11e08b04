package io.cinestream.bench;

import io.cinestream.schemas.Topic;
import java.util.List;

/**
 * The three metric jobs of docs/metrics.md as the harness sees them: the topics they read (what the
 * ceiling decodes), the sink table whose rows are timed, and the Flink job class (Spark runs all
 * three in one application, selected with {@code --jobs <id>}).
 */
public enum MetricJob {
  /** user_registration_metrics from consumer_registration. */
  REGISTRATION(
      "registration",
      List.of(Topic.CONSUMER_REGISTRATION),
      "user_registration_metrics",
      "window_type || '/' || window_start::text",
      "window_end",
      "RegistrationMetricsJob",
      "user-registration-metrics-sink"),
  /** session_metrics from sign_in and sign_out. */
  SESSIONS(
      "sessions",
      List.of(Topic.SIGN_IN, Topic.SIGN_OUT),
      "session_metrics",
      "\"timestamp\"::text",
      "\"timestamp\"",
      "SessionMetricsJob",
      "session-metrics-sink"),
  /** movie_sales_metrics from added_to_cart, checkout_to_cart and the catalogue. */
  SALES(
      "sales",
      List.of(Topic.ADDED_TO_CART, Topic.CHECKOUT_TO_CART, Topic.MOVIES_CATALOG_ENRICHED),
      "movie_sales_metrics",
      "window_type || '/' || movie_id || '/' || window_start::text",
      "window_end",
      "MovieSalesJob",
      "movie-sales-metrics-sink");

  private final String id;
  private final List<Topic> topics;
  private final String table;
  private final String keySql;
  private final String windowEndSql;
  private final String className;
  private final String flinkSinkName;

  MetricJob(
      String id,
      List<Topic> topics,
      String table,
      String keySql,
      String windowEndSql,
      String className,
      String flinkSinkName) {
    this.id = id;
    this.topics = topics;
    this.table = table;
    this.keySql = keySql;
    this.windowEndSql = windowEndSql;
    this.className = className;
    this.flinkSinkName = flinkSinkName;
  }

  /** Short name used on the command line and in the results. */
  public String id() {
    return id;
  }

  /** Input topics (the ceiling consumer decodes exactly these). */
  public List<Topic> topics() {
    return topics;
  }

  /** The metric table whose rows are timed. */
  public String table() {
    return table;
  }

  /** SQL expression of a row's natural key (without engine) as text. */
  public String keySql() {
    return keySql;
  }

  /** SQL expression of the end of the row's window (a tick's timestamp for sessions). */
  public String windowEndSql() {
    return windowEndSql;
  }

  /** Simple class name of the job, the same in both engines' packages. */
  public String className() {
    return className;
  }

  /** Whether the job has a Flink SQL peer (engine {@code flink_sql}): registration and sales. */
  public boolean hasSqlPeer() {
    return this != SESSIONS;
  }

  /** Name of the Flink sink operator of the timed table (its vertex carries the watermark). */
  public String flinkSinkName() {
    return flinkSinkName;
  }

  /**
   * The job of a short name.
   *
   * @throws IllegalArgumentException on an unknown name, listing the known ones
   */
  public static MetricJob byId(String id) {
    for (MetricJob j : values()) {
      if (j.id.equals(id)) {
        return j;
      }
    }
    throw new IllegalArgumentException(
        "unknown job '" + id + "' (known: registration, sessions, sales)");
  }
}
