package io.cinestream.flink.model;

/**
 * One unit sold: an added_to_cart joined to the checkout of its cart (docs/metrics.md#movie-sales).
 *
 * @param itemId the product (movie) key
 * @param cartId the cart
 * @param checkoutTimeMs the checkout's event time, UTC ms: the time the sale belongs to
 * @param addEventId the added_to_cart event id (one unit per add)
 */
public record SaleItem(String itemId, String cartId, long checkoutTimeMs, String addEventId) {}
