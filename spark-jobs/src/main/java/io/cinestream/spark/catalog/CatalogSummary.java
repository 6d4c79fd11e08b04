package io.cinestream.spark.catalog;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The data-quality summary of one catalogue run.
 *
 * @param recordsRead non-blank records in the input (usable + quarantined)
 * @param usableRecords records that parsed (before merging)
 * @param distinctProducts products after merging repeated records
 * @param mergedDuplicates {@code usableRecords - distinctProducts}: records folded into a later one
 * @param pricedRecords usable records with a list price above zero
 * @param pricedProducts merged products with a list price above zero
 * @param listPriceDisagreements usable records whose ListPrice cents prefix disagreed with its
 *     {@code $} amount (priced by the amount)
 * @param quarantinedByReason quarantined record count per {@link QuarantineReason#code()}, sorted
 * @param maxListPriceCents highest list price in cents over usable records, null when none
 * @param undefinedCp1252Records records (usable or quarantined) holding at least one byte that
 *     Windows-1252 leaves undefined ({@link EncodingCheck#undefinedCp1252Bytes})
 * @param undefinedCp1252Bytes the number of such bytes over all records
 * @param likelyUtf8Records records whose bytes look like UTF-8 ({@link EncodingCheck#likelyUtf8})
 */
public record CatalogSummary(
    long recordsRead,
    long usableRecords,
    long distinctProducts,
    long mergedDuplicates,
    long pricedRecords,
    long pricedProducts,
    long listPriceDisagreements,
    Map<String, Long> quarantinedByReason,
    Long maxListPriceCents,
    long undefinedCp1252Records,
    long undefinedCp1252Bytes,
    long likelyUtf8Records) {

  /** Copies the map so the summary stays immutable. */
  public CatalogSummary {
    quarantinedByReason = Collections.unmodifiableMap(new TreeMap<>(quarantinedByReason));
  }

  /** A summary without encoding findings (the three encoding counts are 0). */
  public CatalogSummary(
      long recordsRead,
      long usableRecords,
      long distinctProducts,
      long mergedDuplicates,
      long pricedRecords,
      long pricedProducts,
      long listPriceDisagreements,
      Map<String, Long> quarantinedByReason,
      Long maxListPriceCents) {
    this(
        recordsRead,
        usableRecords,
        distinctProducts,
        mergedDuplicates,
        pricedRecords,
        pricedProducts,
        listPriceDisagreements,
        quarantinedByReason,
        maxListPriceCents,
        0,
        0,
        0);
  }

  /**
   * Computes the summary (three Spark jobs; cache {@code parsed} first).
   *
   * @param parsed output of {@link CatalogTransforms#parseRecords}
   * @param products output of {@link CatalogTransforms#mergeLatestPerProduct}
   * @return the figures
   */
  public static CatalogSummary of(Dataset<Row> parsed, Dataset<Row> products) {
    Row totals =
        parsed
            .agg(
                count("*"),
                count(when(col("reason").isNull(), 1)),
                count(when(col("reason").isNull().and(col("list_price_cents").gt(0)), 1)),
                count(when(col("list_price_disagrees"), 1)),
                max(when(col("reason").isNull(), col("list_price_cents"))),
                count(when(col("undefined_cp1252_bytes").gt(0), 1)),
                sum(col("undefined_cp1252_bytes").cast("long")),
                count(when(col("likely_utf8"), 1)))
            .first();
    Map<String, Long> byReason = new TreeMap<>();
    List<Row> reasons =
        parsed.filter(col("reason").isNotNull()).groupBy("reason").count().collectAsList();
    for (Row r : reasons) {
      byReason.put(r.getString(0), r.getLong(1));
    }
    Row productTotals =
        products.agg(count("*"), sum(when(col("list_price_cents").gt(0), 1).otherwise(0))).first();
    long usable = totals.getLong(1);
    long distinct = productTotals.getLong(0);
    return new CatalogSummary(
        totals.getLong(0),
        usable,
        distinct,
        usable - distinct,
        totals.getLong(2),
        productTotals.isNullAt(1) ? 0 : productTotals.getLong(1),
        totals.getLong(3),
        byReason,
        totals.isNullAt(4) ? null : totals.getLong(4),
        totals.getLong(5),
        totals.isNullAt(6) ? 0 : totals.getLong(6),
        totals.getLong(7));
  }

  /**
   * @return the total of {@link #quarantinedByReason}
   */
  public long quarantined() {
    return quarantinedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * @return the max list price in dollars with two decimals (e.g. {@code 999.99}), or {@code -}
   */
  public String maxListPriceDollars() {
    return maxListPriceCents == null
        ? "-"
        : BigDecimal.valueOf(maxListPriceCents, 2).toPlainString();
  }

  /**
   * @return a multi-line, human-readable report of every figure
   */
  public String render() {
    StringBuilder out = new StringBuilder("movie catalogue data quality\n");
    line(out, "records read", recordsRead);
    line(out, "usable records", usableRecords);
    line(out, "distinct products", distinctProducts);
    line(out, "merged duplicates", mergedDuplicates);
    line(out, "priced records (list price > 0)", pricedRecords);
    line(out, "priced products (list price > 0)", pricedProducts);
    line(out, "list price cents/amount disagreements", listPriceDisagreements);
    line(out, "quarantined", quarantined());
    quarantinedByReason.forEach((reason, n) -> line(out, "  quarantined: " + reason, n));
    out.append(String.format("  %-40s %s%n", "max list price", maxListPriceDollars()));
    line(out, "records with undefined cp1252 bytes", undefinedCp1252Records);
    line(out, "undefined cp1252 bytes", undefinedCp1252Bytes);
    line(out, "records that look like UTF-8", likelyUtf8Records);
    return out.toString();
  }

  /**
   * The figures as one JSON object, what callers parse instead of {@link #render()}'s text (the
   * Airflow catalogue quality gate): {@code records_read}, {@code usable_records}, {@code
   * distinct_products}, {@code merged_duplicates}, {@code priced_records}, {@code priced_products},
   * {@code list_price_disagreements}, {@code quarantined} (counts), {@code quarantined_by_reason}
   * (reason code to count, sorted), {@code max_list_price_cents} (whole cents, null when nothing is
   * priced), {@code undefined_cp1252_records}, {@code undefined_cp1252_bytes} and {@code
   * likely_utf8_records} (encoding counts, see the record components).
   *
   * @return the JSON text, one line
   */
  public String toJson() {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode node = mapper.createObjectNode();
    node.put("records_read", recordsRead);
    node.put("usable_records", usableRecords);
    node.put("distinct_products", distinctProducts);
    node.put("merged_duplicates", mergedDuplicates);
    node.put("priced_records", pricedRecords);
    node.put("priced_products", pricedProducts);
    node.put("list_price_disagreements", listPriceDisagreements);
    node.put("quarantined", quarantined());
    ObjectNode byReason = node.putObject("quarantined_by_reason");
    quarantinedByReason.forEach(byReason::put);
    node.put("max_list_price_cents", maxListPriceCents);
    node.put("undefined_cp1252_records", undefinedCp1252Records);
    node.put("undefined_cp1252_bytes", undefinedCp1252Bytes);
    node.put("likely_utf8_records", likelyUtf8Records);
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of numbers did not serialise", e);
    }
  }

  private static void line(StringBuilder out, String label, long value) {
    out.append(String.format("  %-40s %,d%n", label, value));
  }
}
