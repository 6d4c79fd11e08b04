package io.cinestream.spark.catalog;

import java.time.LocalDate;
import java.util.SortedMap;

/**
 * One usable catalogue record after parsing, before products are merged.
 *
 * @param itemId stable product key, see {@link ItemIds}
 * @param itemLabel the record's header line, e.g. {@code ITEM 17} (a position, for messages only)
 * @param title Title, trimmed, never blank
 * @param productGroup ProductGroup, trimmed, null when absent or blank
 * @param binding Binding, trimmed, null when absent or blank
 * @param genre Genre, trimmed, null when absent or blank
 * @param releaseDate ReleaseDate ({@code yyyy-MM-dd}; {@code yyyy-MM} and {@code yyyy} completed to
 *     the first day), null when absent or unparseable
 * @param runningTimeMin RunningTime in minutes when it is a whole number, else null
 * @param audienceRating AudienceRating, trimmed, null when absent or blank
 * @param listPriceCents ListPrice in integer cents, null when the record has none
 * @param currency ISO code of the list price, null when there is no list price
 * @param tradeInValueCents TradeInValue in integer cents, null when absent or unparseable
 * @param listPriceDeclaredCentsDisagree true when the cents prefix of ListPrice disagreed with its
 *     {@code $} amount (the amount was used and the raw value kept in {@code attributes})
 * @param attributes every other attribute, raw value, sorted by key; identifiers (EAN, UPC, ISBN,
 *     ...) stay here too, and so does the raw text of a core attribute that could not be typed
 */
public record CatalogRecord(
    String itemId,
    String itemLabel,
    String title,
    String productGroup,
    String binding,
    String genre,
    LocalDate releaseDate,
    Integer runningTimeMin,
    String audienceRating,
    Long listPriceCents,
    String currency,
    Long tradeInValueCents,
    boolean listPriceDeclaredCentsDisagree,
    SortedMap<String, String> attributes) {}
