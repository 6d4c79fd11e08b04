package io.cinestream.spark.catalog;

/**
 * What {@link CatalogRecordParser} makes of one chunk of input: a usable record, a rejection
 * destined for the quarantine, or nothing (blank text between records, an empty file).
 */
public sealed interface ParseResult {

  /**
   * A usable record.
   *
   * @param record the typed record
   */
  record Parsed(CatalogRecord record) implements ParseResult {}

  /**
   * A record that goes to the quarantine.
   *
   * @param itemLabel the header line, e.g. {@code ITEM 17}, or null when there is none
   * @param reason why it was rejected
   * @param detail a human-readable explanation, e.g. {@code ListPrice '12,34' is not a price}
   * @param rawText the decoded record text, leading and trailing line breaks removed
   */
  record Rejected(String itemLabel, QuarantineReason reason, String detail, String rawText)
      implements ParseResult {

    /**
     * The quarantine key: the same raw text rejected for the same reason always gets the same key,
     * so re-running the job adds no row.
     *
     * @return lower-case hex SHA-256 (64 characters) of {@code rawText + "\n" + reason.code()}
     */
    public String recordHash() {
      return recordHash(rawText, reason.code());
    }

    /**
     * @param rawText the decoded record text
     * @param reasonCode a {@link QuarantineReason#code()}
     * @return lower-case hex SHA-256 (64 characters) of {@code rawText + "\n" + reasonCode}
     */
    public static String recordHash(String rawText, String reasonCode) {
      return ItemIds.sha256Hex(rawText + "\n" + reasonCode);
    }
  }

  /** Whitespace only: not a record at all. */
  record Blank() implements ParseResult {}
}
