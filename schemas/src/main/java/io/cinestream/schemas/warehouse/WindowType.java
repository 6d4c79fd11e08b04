package io.cinestream.schemas.warehouse;

/**
 * The {@code window_type} values of the metric tables (docs/metrics.md): the registration windows
 * of {@code user_registration_metrics} and the sales windows of {@code movie_sales_metrics}.
 */
public enum WindowType {
  /** Registrations: {@code [h, h + 1 h)}, UTC-aligned. */
  TUMBLING_1H("tumbling_1h"),
  /** Registrations: 1 h windows starting every 15 min. */
  SLIDING_1H_15M("sliding_1h_15m"),
  /** Sales: one UTC day. */
  DAILY("daily"),
  /** Sales: one ISO week from Monday 00:00 UTC. */
  WEEKLY("weekly"),
  /** Sales: the running total from the first event up to the end of each UTC day with a sale. */
  CUMULATIVE("cumulative");

  private final String sqlName;

  WindowType(String sqlName) {
    this.sqlName = sqlName;
  }

  /** The {@code window_type} column value, e.g. {@code tumbling_1h}. */
  public String sqlName() {
    return sqlName;
  }

  /**
   * Looks a window type up by its column value.
   *
   * @param sqlName e.g. {@code weekly}
   * @return the window type
   * @throws IllegalArgumentException when no window type has that name
   */
  public static WindowType of(String sqlName) {
    for (WindowType type : values()) {
      if (type.sqlName.equals(sqlName)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown window_type " + sqlName);
  }

  @Override
  public String toString() {
    return sqlName;
  }
}
