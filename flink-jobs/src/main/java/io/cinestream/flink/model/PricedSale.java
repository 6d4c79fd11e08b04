package io.cinestream.flink.model;

/**
 * Units of one movie sold at one instant, priced from the catalogue.
 *
 * @param movieId the product key
 * @param timeMs the checkout time, UTC ms
 * @param units units sold
 * @param cents units x list price, integer cents
 */
public record PricedSale(String movieId, long timeMs, long units, long cents) {}
