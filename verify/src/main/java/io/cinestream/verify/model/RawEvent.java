package io.cinestream.verify.model;

import java.time.Instant;

/**
 * One raw warehouse event as the reference implementation reads it (docs/metrics.md). Fields an
 * event type does not have are null.
 *
 * @param eventId the producer's event id (UUID text); duplicates are dropped on it
 * @param eventName {@code consumer_registration}, {@code sign_in}, {@code sign_out}, {@code
 *     added_to_cart} or {@code checkout_to_cart}
 * @param eventTime event time (UTC instant, millisecond precision)
 * @param userId the user
 * @param cartId cart of added_to_cart / checkout_to_cart, else null
 * @param itemId product of an added_to_cart, else null
 */
public record RawEvent(
    String eventId, String eventName, Instant eventTime, int userId, String cartId, String itemId) {

  /** Event name of a registration. */
  public static final String REGISTRATION = "consumer_registration";

  /** Event name of a sign-in. */
  public static final String SIGN_IN = "sign_in";

  /** Event name of a sign-out. */
  public static final String SIGN_OUT = "sign_out";

  /** Event name of an item added to a cart. */
  public static final String ADDED_TO_CART = "added_to_cart";

  /** Event name of a cart checkout. */
  public static final String CHECKOUT = "checkout_to_cart";
}
