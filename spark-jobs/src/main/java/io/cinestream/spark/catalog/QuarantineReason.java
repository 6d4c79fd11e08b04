package io.cinestream.spark.catalog;

/** Why a catalogue record cannot be used; {@link #code()} is what the quarantine table stores. */
public enum QuarantineReason {
  /** The record has no {@code Title} attribute, or only whitespace. */
  NO_TITLE("no_title"),
  /** The {@code ListPrice} attribute is present but not a price {@link PriceParser} accepts. */
  UNPARSEABLE_LIST_PRICE("unparseable_list_price"),
  /** The text does not start with an {@code ITEM <n>} line (e.g. a preamble before record 1). */
  NO_ITEM_HEADER("no_item_header"),
  /**
   * A second {@code ITEM <n>} line inside the record: records that the splitter could not separate
   * because no line feed precedes the next header (a file with CR-only line endings). Quarantined
   * whole, so that the records it holds are visible instead of merged into the first one.
   */
  RECORDS_RUN_TOGETHER("records_run_together"),
  /**
   * The record is longer than the job's maximum record size ({@code --max-record-bytes}, 64 KiB by
   * default): not parsed, and its quarantined raw text is only a bounded prefix ({@link
   * CatalogTransforms#RAW_PREFIX_CHARS} characters). A real record is about 1 KiB; a huge one is a
   * file without {@code ITEM} lines, or a missing record separator, not a product.
   */
  RECORD_TOO_LARGE("record_too_large");

  private final String code;

  QuarantineReason(String code) {
    this.code = code;
  }

  /**
   * @return the stable snake_case code, e.g. {@code no_title}
   */
  public String code() {
    return code;
  }
}
