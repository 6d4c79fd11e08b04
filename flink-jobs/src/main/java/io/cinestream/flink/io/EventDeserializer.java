package io.cinestream.flink.io;

import io.cinestream.events.AddedToCart;
import io.cinestream.events.CheckoutToCart;
import io.cinestream.events.ConsumerRegistration;
import io.cinestream.events.SignIn;
import io.cinestream.events.SignOut;
import io.cinestream.flink.model.Event;
import io.cinestream.schemas.EventValues;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.serde.ConfluentAvroCodec;
import io.cinestream.schemas.serde.RecordCoordinates;
import io.cinestream.schemas.serde.SchemaRegistryClientFactory;
import java.time.Clock;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Decodes the user-activity topics the metric jobs read ({@code consumer_registration}, {@code
 * sign_in}, {@code sign_out}, {@code added_to_cart}, {@code checkout_to_cart}) into {@link Event}.
 * Which schema to read with is chosen by the record's topic ({@link Topic#byName}). A watermark
 * tick becomes {@link Event#watermarkTick} with the record's Kafka timestamp as its event time.
 *
 * <p>Every event passes {@link EventValues#check(SpecificRecord, java.time.Instant, Duration)}
 * before it leaves the source: an event time more than {@code maxEventTimeAhead} after the wall
 * clock is a dead letter, so it never reaches the source's watermark generator.
 */
public final class EventDeserializer extends ConfluentRecordDeserializer<Event> {

  private static final long serialVersionUID = 1L;

  private final Clock clock;
  private final Duration maxEventTimeAhead;
  private transient Topic lastTopic;

  /**
   * A deserializer on the system clock with {@link EventValues#DEFAULT_MAX_AHEAD}.
   *
   * @param registry creates the registry client in {@code open}
   * @param tickKey the tick key ({@link io.cinestream.schemas.TickSignature}), or null: then every
   *     watermark tick is a dead letter
   */
  public EventDeserializer(SchemaRegistryClientFactory registry, byte[] tickKey) {
    this(registry, tickKey, Clock.systemUTC(), EventValues.DEFAULT_MAX_AHEAD);
  }

  /**
   * @param registry creates the registry client in {@code open}
   * @param tickKey the tick key, or null: then every watermark tick is a dead letter
   * @param clock the wall clock future event times are judged against (serializable)
   * @param maxEventTimeAhead how far after {@code clock} an event time may be
   */
  public EventDeserializer(
      SchemaRegistryClientFactory registry,
      byte[] tickKey,
      Clock clock,
      Duration maxEventTimeAhead) {
    super(registry, tickKey);
    this.clock = clock;
    this.maxEventTimeAhead = maxEventTimeAhead;
  }

  @Override
  protected Event decode(ConfluentAvroCodec codec, RecordCoordinates where, byte[] payload) {
    Topic topic = topicOf(where.topic());
    SpecificRecord value = codec.deserialize(where, payload, topic.valueClass());
    // The same value ranges as the raw loader's (a refused event is a dead letter everywhere).
    EventValues.check(value, clock.instant(), maxEventTimeAhead);
    return toEvent(value);
  }

  /**
   * The topic named {@code name}, remembered from the previous record (a source reads a handful of
   * topics, so the lookup by name runs once per change of topic, not once per record).
   *
   * @throws IllegalArgumentException for a topic the metric jobs do not know
   */
  private Topic topicOf(String name) {
    Topic last = lastTopic;
    if (last != null && last.topicName().equals(name)) {
      return last;
    }
    last =
        Topic.byName(name).orElseThrow(() -> new IllegalArgumentException("unknown topic " + name));
    lastTopic = last;
    return last;
  }

  /** The tick's element: {@link Event#watermarkTick}{@code (topic, eventTimeMs)}. */
  @Override
  protected Event watermarkTick(String topic, long eventTimeMs) {
    return Event.watermarkTick(topic, eventTimeMs);
  }

  /**
   * Flattens a generated event record into an {@link Event}.
   *
   * @throws IllegalArgumentException for a record type the metric jobs do not read
   */
  public static Event toEvent(SpecificRecord value) {
    if (value instanceof ConsumerRegistration r) {
      return Event.registration(
          r.getEventId().toString(), r.getTimestamp().toEpochMilli(), r.getUserId());
    } else if (value instanceof SignIn r) {
      return Event.signIn(
          r.getEventId().toString(), r.getTimestamp().toEpochMilli(), r.getUserId());
    } else if (value instanceof SignOut r) {
      return Event.signOut(
          r.getEventId().toString(), r.getTimestamp().toEpochMilli(), r.getUserId());
    } else if (value instanceof AddedToCart r) {
      return Event.addedToCart(
          r.getEventId().toString(),
          r.getTimestamp().toEpochMilli(),
          r.getUserId(),
          r.getCartId().toString(),
          r.getItemId());
    } else if (value instanceof CheckoutToCart r) {
      return Event.checkout(
          r.getEventId().toString(),
          r.getTimestamp().toEpochMilli(),
          r.getUserId(),
          r.getCartId().toString());
    }
    throw new IllegalArgumentException("not a metric event: " + value.getSchema().getFullName());
  }

  @Override
  protected TypeInformation<Event> valueType() {
    return TypeInformation.of(Event.class);
  }
}
