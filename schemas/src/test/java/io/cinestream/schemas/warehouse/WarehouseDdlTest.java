package io.cinestream.schemas.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class WarehouseDdlTest {

  @Test
  void listsEveryMigrationFileOfBothDialects() throws IOException {
    for (SqlDialect dialect : SqlDialect.values()) {
      Path dir = Path.of("src/main/resources", WarehouseDdl.directory(dialect));
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.map(f -> f.getFileName().toString()).sorted())
            .as(dir.toString())
            .containsExactlyElementsOf(WarehouseDdl.MIGRATIONS);
      }
    }
  }

  @Test
  void bothDialectsCreateEveryOutputTable() {
    for (SqlDialect dialect : SqlDialect.values()) {
      for (OutputTable table : OutputTable.values()) {
        String ddl = WarehouseDdl.createTable(dialect, table.tableName());
        for (Column column : table.columns()) {
          assertThat(ddl).as(dialect + " " + table).contains(column.sqlName() + " ");
        }
        assertThat(ddl).contains(table.stampColumn() + " ");
      }
    }
  }

  @Test
  void tableNamesAreTheSameInBothDialectsAndHoldEveryRawCatalogueAndOutputTable() {
    var postgres = WarehouseDdl.tableNames(SqlDialect.POSTGRES);
    assertThat(postgres)
        .startsWith(
            "consumer_events",
            "item_view_events",
            "cart_events",
            "item_rating_events",
            "dead_letter_events",
            "movies_catalog",
            "movies_catalog_quarantine")
        .doesNotHaveDuplicates()
        .doesNotContain("flyway_schema_history");
    for (OutputTable table : OutputTable.values()) {
      assertThat(postgres).contains(table.tableName());
    }
    assertThat(WarehouseDdl.tableNames(SqlDialect.SNOWFLAKE))
        .map(String::toLowerCase)
        .containsExactlyElementsOf(postgres);
  }

  @Test
  void snowflakeStatementsAreIdempotentCreates() {
    assertThat(WarehouseDdl.statements(SqlDialect.SNOWFLAKE))
        .hasSize(14)
        .allSatisfy(s -> assertThat(s).startsWith("CREATE TABLE IF NOT EXISTS "));
  }

  @Test
  void splitDropsCommentLinesAndSplitsOnSemicolons() {
    assertThat(
            WarehouseDdl.split(
                "-- a; comment\nCREATE TABLE a (x INT);\n\nCREATE INDEX i ON a (x);\n"))
        .containsExactly("CREATE TABLE a (x INT)", "CREATE INDEX i ON a (x)");
  }

  @Test
  void namesTheMissingTable() {
    assertThatThrownBy(() -> WarehouseDdl.createTable(SqlDialect.POSTGRES, "nope"))
        .hasMessage("no POSTGRES migration creates table nope");
  }
}
