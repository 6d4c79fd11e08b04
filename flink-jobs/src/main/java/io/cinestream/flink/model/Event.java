package io.cinestream.flink.model;

import io.cinestream.schemas.Topic;

/**
 * One decoded user-activity event (DESIGN section 2), flattened to the fields the metric jobs use.
 *
 * <p>A single type for every event topic keeps the jobs' operators and Flink serializers simple:
 * fields a topic does not have are null. Java records are Flink POJOs (no Kryo).
 *
 * @param topic the Kafka topic = {@code event_name}, e.g. {@code sign_in}
 * @param eventId the event's UUID (text); the idempotency key
 * @param eventTimeMs event time, UTC milliseconds since the epoch
 * @param userId the acting user, 1..1,000,000
 * @param itemId the product key ({@code added_to_cart}), else null
 * @param cartId the cart UUID ({@code added_to_cart}, {@code checkout_to_cart}), else null
 */
public record Event(
    String topic, String eventId, long eventTimeMs, int userId, String itemId, String cartId) {

  /** A {@code consumer_registration} event. */
  public static Event registration(String eventId, long eventTimeMs, int userId) {
    return new Event(
        Topic.CONSUMER_REGISTRATION.topicName(), eventId, eventTimeMs, userId, null, null);
  }

  /** A {@code sign_in} event. */
  public static Event signIn(String eventId, long eventTimeMs, int userId) {
    return new Event(Topic.SIGN_IN.topicName(), eventId, eventTimeMs, userId, null, null);
  }

  /** A {@code sign_out} event. */
  public static Event signOut(String eventId, long eventTimeMs, int userId) {
    return new Event(Topic.SIGN_OUT.topicName(), eventId, eventTimeMs, userId, null, null);
  }

  /** An {@code added_to_cart} event: one unit of {@code itemId} into cart {@code cartId}. */
  public static Event addedToCart(
      String eventId, long eventTimeMs, int userId, String cartId, String itemId) {
    return new Event(Topic.ADDED_TO_CART.topicName(), eventId, eventTimeMs, userId, itemId, cartId);
  }

  /** A {@code checkout_to_cart} event of cart {@code cartId}. */
  public static Event checkout(String eventId, long eventTimeMs, int userId, String cartId) {
    return new Event(
        Topic.CHECKOUT_TO_CART.topicName(), eventId, eventTimeMs, userId, null, cartId);
  }

  /** True when this event came from {@code topic}. */
  public boolean is(Topic t) {
    return t.topicName().equals(topic);
  }
}
