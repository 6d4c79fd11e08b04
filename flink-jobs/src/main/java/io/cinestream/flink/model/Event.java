package io.cinestream.flink.model;

import io.cinestream.schemas.Topic;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One decoded user-activity event (docs/architecture.md#topics-and-schemas), flattened to the
 * fields the metric jobs use, in a compact form: the topic as a {@link Topic}, the event id and
 * cart id UUIDs as two {@code long}s each (most and least significant bits). Between operators it
 * travels through its own serializer ({@link EventSerializer}: a topic code byte, a flags byte, the
 * longs and ints, and a string only for the {@code item_id} of an {@code added_to_cart}), never
 * through Flink's reflective POJO serializer or a {@code String} per id.
 *
 * <p>A single type for every event topic keeps the jobs' operators simple: fields a topic does not
 * have are absent ({@code itemId} null, {@code hasCart} false).
 *
 * <p>A {@linkplain #watermarkTick watermark tick} ({@link io.cinestream.schemas.WatermarkTick}) is
 * also an {@code Event}, so that it passes the source's timestamp and watermark assigner like any
 * event; it has no event id ({@link #isWatermarkTick()}, {@link #eventId()} null) and is dropped
 * right after the source ({@code DropWatermarkTicks}), so no operator downstream ever sees one.
 *
 * @param kind the Kafka topic = {@code event_name}
 * @param watermarkTick true for a watermark tick (then the ids are 0 and {@code userId} 0)
 * @param idHi most significant 64 bits of the event's UUID (the idempotency key)
 * @param idLo least significant 64 bits of the event's UUID
 * @param eventTimeMs event time, UTC milliseconds since the epoch
 * @param userId the acting user, 1..1,000,000
 * @param itemId the product key ({@code added_to_cart}), else null
 * @param hasCart true when the event names a cart ({@code added_to_cart}, {@code checkout_to_cart})
 * @param cartHi most significant 64 bits of the cart UUID, 0 without a cart
 * @param cartLo least significant 64 bits of the cart UUID, 0 without a cart
 */
@TypeInfo(EventTypeInfoFactory.class)
public record Event(
    Topic kind,
    boolean watermarkTick,
    long idHi,
    long idLo,
    long eventTimeMs,
    int userId,
    String itemId,
    boolean hasCart,
    long cartHi,
    long cartLo) {

  /**
   * An event from its text form (as decoded from Avro or written in fixtures).
   *
   * @param topic the Kafka topic = {@code event_name}, e.g. {@code sign_in}
   * @param eventId the event's UUID in text; null only for a watermark tick
   * @param eventTimeMs event time, UTC ms
   * @param userId the acting user
   * @param itemId the product key, or null
   * @param cartId the cart UUID in text, or null
   * @return the event
   * @throws IllegalArgumentException when {@code topic} is not a known topic or an id is no UUID
   *     (such a record cannot be decoded and goes to the dead letters)
   */
  public static Event of(
      String topic, String eventId, long eventTimeMs, int userId, String itemId, String cartId) {
    return of(topicNamed(topic), eventId, eventTimeMs, userId, itemId, cartId);
  }

  /**
   * As {@link #of(String, String, long, int, String, String)} with the topic already resolved (the
   * decoder's path: no lookup by name per record).
   *
   * @throws IllegalArgumentException when an id is no UUID
   */
  public static Event of(
      Topic kind, String eventId, long eventTimeMs, int userId, String itemId, String cartId) {
    UUID id = eventId == null ? null : UUID.fromString(eventId);
    UUID cart = cartId == null ? null : UUID.fromString(cartId);
    return new Event(
        kind,
        id == null,
        id == null ? 0 : id.getMostSignificantBits(),
        id == null ? 0 : id.getLeastSignificantBits(),
        eventTimeMs,
        userId,
        itemId,
        cart != null,
        cart == null ? 0 : cart.getMostSignificantBits(),
        cart == null ? 0 : cart.getLeastSignificantBits());
  }

  private static Topic topicNamed(String topic) {
    return Topic.byName(topic)
        .orElseThrow(() -> new IllegalArgumentException("unknown topic " + topic));
  }

  /** A {@code consumer_registration} event. */
  public static Event registration(String eventId, long eventTimeMs, int userId) {
    return of(Topic.CONSUMER_REGISTRATION, eventId, eventTimeMs, userId, null, null);
  }

  /** A {@code sign_in} event. */
  public static Event signIn(String eventId, long eventTimeMs, int userId) {
    return of(Topic.SIGN_IN, eventId, eventTimeMs, userId, null, null);
  }

  /** A {@code sign_out} event. */
  public static Event signOut(String eventId, long eventTimeMs, int userId) {
    return of(Topic.SIGN_OUT, eventId, eventTimeMs, userId, null, null);
  }

  /** An {@code added_to_cart} event: one unit of {@code itemId} into cart {@code cartId}. */
  public static Event addedToCart(
      String eventId, long eventTimeMs, int userId, String cartId, String itemId) {
    return of(Topic.ADDED_TO_CART, eventId, eventTimeMs, userId, itemId, cartId);
  }

  /** A {@code checkout_to_cart} event of cart {@code cartId}. */
  public static Event checkout(String eventId, long eventTimeMs, int userId, String cartId) {
    return of(Topic.CHECKOUT_TO_CART, eventId, eventTimeMs, userId, null, cartId);
  }

  /**
   * A watermark tick read from {@code topic}: carries only its event time.
   *
   * @param topic the Kafka topic it was read from
   * @param eventTimeMs the tick's event time T (its Kafka record timestamp), UTC ms since the epoch
   */
  public static Event watermarkTick(String topic, long eventTimeMs) {
    return of(topic, null, eventTimeMs, 0, null, null);
  }

  /** True for a {@linkplain #watermarkTick watermark tick}, which is no event. */
  public boolean isWatermarkTick() {
    return watermarkTick;
  }

  /** True when this event came from {@code t}. */
  public boolean is(Topic t) {
    return kind == t;
  }

  /** The topic name, e.g. {@code sign_in}. */
  public String topic() {
    return kind.topicName();
  }

  /**
   * The event's UUID in canonical text (built on each call: for the cold paths), null for a tick.
   */
  public String eventId() {
    return watermarkTick ? null : new UUID(idHi, idLo).toString();
  }

  /** The cart UUID in canonical text (built on each call), or null. */
  public String cartId() {
    return hasCart ? new UUID(cartHi, cartLo).toString() : null;
  }

  /**
   * Orders events by event id as their canonical UUID texts would sort (lower-case hex of fixed
   * width: the unsigned order of the high, then the low 64 bits).
   */
  public static int compareIds(Event a, Event b) {
    int c = Long.compareUnsigned(a.idHi, b.idHi);
    return c != 0 ? c : Long.compareUnsigned(a.idLo, b.idLo);
  }
}
