package io.cinestream.schemas.warehouse;

/**
 * The engines that write metric rows: the value of the {@code engine} column of every metric table
 * (docs/metrics.md; a CHECK constraint in {@code db/postgres/V3__metric_tables.sql}).
 */
public enum Engine {
  FLINK("flink"),
  /**
   * The Flink SQL peer jobs (issue 21; admitted by {@code db/postgres/V8__flink_sql_engine.sql}).
   */
  FLINK_SQL("flink_sql"),
  SPARK("spark"),
  REFERENCE("reference");

  private final String sqlName;

  Engine(String sqlName) {
    this.sqlName = sqlName;
  }

  /** The {@code engine} column value, e.g. {@code flink}. */
  public String sqlName() {
    return sqlName;
  }

  @Override
  public String toString() {
    return sqlName;
  }
}
