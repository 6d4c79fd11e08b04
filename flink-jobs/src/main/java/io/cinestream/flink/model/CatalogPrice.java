package io.cinestream.flink.model;

/**
 * The price of one catalogue product, from the compacted {@code movies_catalog_enriched} topic.
 *
 * @param itemId the stable product key
 * @param listPriceCents list price in integer cents, or null when the product has no price
 */
public record CatalogPrice(String itemId, Long listPriceCents) {}
