package io.cinestream.schemas.warehouse;

/**
 * The SQL type of a column the engines write, with the Java value a writer binds for it and the
 * Snowflake type the {@code MERGE} casts the bound value to.
 */
public enum ColumnType {
  /** {@link String}. */
  TEXT("VARCHAR"),
  /**
   * {@link String} holding a UUID; {@code UUID} in PostgreSQL, {@code VARCHAR(36)} in Snowflake.
   */
  UUID("VARCHAR(36)"),
  /** {@link Long}. */
  BIGINT("BIGINT"),
  /** {@link Integer}. */
  INTEGER("INTEGER"),
  /** {@link Double}. */
  DOUBLE("DOUBLE"),
  /** {@link java.math.BigDecimal} of scale 2 (dollars, from integer cents). */
  DECIMAL_18_2("NUMBER(18,2)"),
  /** {@link java.time.Instant}, stored as a UTC timestamp with time zone. */
  TIMESTAMPTZ("TIMESTAMP_TZ");

  private final String snowflake;

  ColumnType(String snowflake) {
    this.snowflake = snowflake;
  }

  /** The Snowflake type a bound value is cast to, e.g. {@code TIMESTAMP_TZ}. */
  public String snowflake() {
    return snowflake;
  }
}
