package io.cinestream.spark.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.schemas.warehouse.SqlDialect;
import io.cinestream.schemas.warehouse.WarehouseDdl;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link RawTable}'s columns and types agree with the warehouse migrations of both dialects. */
class RawTableDdlTest {

  @Test
  void everyLoadedColumnHasItsTypeInBothMigrations() {
    for (RawTable table : RawTable.values()) {
      String postgres = WarehouseDdl.createTable(SqlDialect.POSTGRES, table.tableName());
      String snowflake = SnowflakeSql.createTable(table);
      for (RawTable.Column c : table.columns()) {
        assertThat(postgres)
            .as("postgres " + table + "." + c.name())
            .containsPattern(column(c.name(), c.type().postgres()));
        assertThat(snowflake)
            .as("snowflake " + table + "." + c.name())
            .containsPattern(column(c.name(), c.type().snowflake()));
      }
      assertThat(snowflake).containsPattern(column(table.stampColumn(), "TIMESTAMP_TZ"));
      assertThat(snowflake).contains("PRIMARY KEY (" + String.join(", ", table.keyColumns()) + ")");
    }
  }

  @Test
  void mergeStampsDeadLettersWithSeenAtAndEventsWithLoadedAt() {
    assertThat(SnowflakeSql.merge(RawTable.DEAD_LETTER_EVENTS, "S"))
        .contains(", seen_at) VALUES (")
        .doesNotContain("loaded_at");
    assertThat(SnowflakeSql.merge(RawTable.ITEM_VIEW_EVENTS, "S"))
        .contains(", loaded_at) VALUES (");
  }

  private static Pattern column(String name, String type) {
    return Pattern.compile("\\n\\s*" + name + "\\s+" + Pattern.quote(type) + "(\\s|,|$)");
  }
}
