package io.cinestream.flink.model;

import io.cinestream.schemas.Topic;

/**
 * One decoded user-activity event (DESIGN section 2), flattened to the fields the metric jobs use.
 *
 * <p>A single type for every event topic keeps the jobs' operators and Flink serializers simple:
 * fields a topic does not have are null. Java records are Flink POJOs (no Kryo).
 *
 * <p>A {@linkplain #watermarkTick watermark tick} ({@link io.cinestream.schemas.WatermarkTick}) is
 * also an {@code Event}, so that it passes the source's timestamp and watermark assigner like any
 * event; it has a null {@code eventId} and is dropped right after the source ({@code
 * DropWatermarkTicks}), so no operator downstream ever sees one.
 *
 * @param topic the Kafka topic = {@code event_name}, e.g. {@code sign_in}
 * @param eventId the event's UUID (text); the idempotency key; null only for a watermark tick
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

  /**
   * A watermark tick read from {@code topic}: carries only its event time.
   *
   * @param topic the Kafka topic it was read from
   * @param eventTimeMs the tick's event time T (its Kafka record timestamp), UTC ms since the epoch
   */
  public static Event watermarkTick(String topic, long eventTimeMs) {
    return new Event(topic, null, eventTimeMs, 0, null, null);
  }

  /** True for a {@linkplain #watermarkTick watermark tick}, which is no event. */
  public boolean isWatermarkTick() {
    return eventId == null;
  }

  /** True when this event came from {@code topic}. */
  public boolean is(Topic t) {
    return t.topicName().equals(topic);
  }
}
