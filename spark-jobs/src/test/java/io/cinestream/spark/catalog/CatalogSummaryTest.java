package io.cinestream.spark.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

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
                + "\"max_list_price_cents\":99999,\"undefined_cp1252_records\":0,"
                + "\"undefined_cp1252_bytes\":0,\"likely_utf8_records\":0}");
  }

  @Test
  void jsonHasNullMaxPriceWhenNothingIsPriced() {
    CatalogSummary summary = new CatalogSummary(1, 1, 1, 0, 0, 0, 0, Map.of(), null);
    assertThat(summary.toJson())
        .contains("\"quarantined\":0,\"quarantined_by_reason\":{},\"max_list_price_cents\":null,");
  }

  @Test
  void jsonAndTextCarryTheEncodingCounts() {
    CatalogSummary summary =
        new CatalogSummary(200, 200, 190, 10, 100, 95, 0, Map.of(), 1999L, 2, 7, 3);
    assertThat(summary.toJson())
        .endsWith(
            "\"max_list_price_cents\":1999,\"undefined_cp1252_records\":2,"
                + "\"undefined_cp1252_bytes\":7,\"likely_utf8_records\":3}");
    assertThat(summary.render())
        .contains("\n  records with undefined cp1252 bytes      2\n")
        .contains("\n  undefined cp1252 bytes                   7\n")
        .contains("\n  records that look like UTF-8             3\n");
  }

  @Test
  void encodingLimitsHaveDefaultsAndRanges() {
    CatalogJobOptions defaults =
        CatalogJobOptions.parse("--input", "m.txt", "--no-kafka", "--no-jdbc");
    assertThat(defaults.maxRecordBytes()).isEqualTo(65_536);
    assertThat(defaults.maxLikelyUtf8Ratio()).isEqualTo(0.01);
    assertThat(defaults.maxUndefinedCp1252Ratio()).isEqualTo(0.01);
    assertThatThrownBy(
            () ->
                CatalogJobOptions.parse(
                    "--input", "m.txt", "--no-kafka", "--no-jdbc", "--max-likely-utf8-ratio", "2"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("between 0 and 1");
    assertThatThrownBy(
            () ->
                CatalogJobOptions.parse(
                    "--input", "m.txt", "--no-kafka", "--no-jdbc", "--max-record-bytes", "0"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--max-record-bytes");
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
