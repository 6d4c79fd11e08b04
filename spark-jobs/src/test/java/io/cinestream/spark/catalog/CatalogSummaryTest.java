package io.cinestream.spark.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogSummaryTest {

  @Test
  void jsonHoldsEveryFigureWithTheQuarantineTotalAndCents() {
    CatalogSummary summary =
        new CatalogSummary(
            8701, 8690, 8650, 40, 7000, 6980, 3, Map.of("no_title", 9L, "bad_price", 2L), 99999L);
    assertThat(summary.toJson())
        .isEqualTo(
            "{\"records_read\":8701,\"usable_records\":8690,\"distinct_products\":8650,"
                + "\"merged_duplicates\":40,\"priced_records\":7000,\"priced_products\":6980,"
                + "\"list_price_disagreements\":3,\"quarantined\":11,"
                + "\"quarantined_by_reason\":{\"bad_price\":2,\"no_title\":9},"
                + "\"max_list_price_cents\":99999}");
  }

  @Test
  void jsonHasNullMaxPriceWhenNothingIsPriced() {
    CatalogSummary summary = new CatalogSummary(1, 1, 1, 0, 0, 0, 0, Map.of(), null);
    assertThat(summary.toJson())
        .endsWith("\"quarantined\":0,\"quarantined_by_reason\":{},\"max_list_price_cents\":null}");
  }

  @Test
  void summaryJsonOptionIsParsed() {
    CatalogJobOptions options =
        CatalogJobOptions.parse(
            "--input", "m.txt", "--no-kafka", "--no-jdbc", "--summary-json", "/tmp/s.json");
    assertThat(options.summaryJson()).isEqualTo(Path.of("/tmp/s.json"));
    assertThat(CatalogJobOptions.parse("--input", "m.txt", "--no-kafka", "--no-jdbc").summaryJson())
        .isNull();
  }
}
