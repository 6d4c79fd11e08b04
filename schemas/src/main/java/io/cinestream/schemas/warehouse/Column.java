package io.cinestream.schemas.warehouse;

/**
 * One column an engine writes.
 *
 * @param name the column name as in the DDL, unquoted (e.g. {@code timestamp})
 * @param type its SQL type
 */
public record Column(String name, ColumnType type) {

  /**
   * @return the name as it appears in SQL: {@code "timestamp"} is quoted (a keyword in both
   *     warehouses and quoted in both DDLs), every other name is bare
   */
  public String sqlName() {
    return "timestamp".equals(name) ? "\"timestamp\"" : name;
  }
}
