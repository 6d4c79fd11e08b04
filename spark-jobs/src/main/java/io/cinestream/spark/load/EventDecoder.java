package io.cinestream.spark.load;

import io.cinestream.events.AddedToCart;
import io.cinestream.events.CheckoutToCart;
import io.cinestream.events.ConsumerRegistration;
import io.cinestream.events.ItemRating;
import io.cinestream.events.ItemView;
import io.cinestream.events.SignIn;
import io.cinestream.events.SignOut;
import io.cinestream.schemas.EventValues;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.serde.ConfluentAvroCodec;
import io.cinestream.schemas.serde.DeadLetterText;
import io.cinestream.schemas.serde.RecordCoordinates;
import io.cinestream.schemas.serde.WireFormatException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Turns one Kafka record into a row of {@link DecodedEvents#SCHEMA}: a typed event row for its raw
 * table, or a dead-letter row naming why it cannot be loaded. Not thread-safe across partitions in
 * the sense that it is meant to live in one task; the codec it wraps is thread-safe.
 *
 * <p>Dead-letter reasons: the {@link WireFormatException.Reason} of a decode failure (truncated,
 * bad magic byte, unknown schema id, bad Avro, incompatible schema); {@code UNKNOWN_TOPIC} for a
 * record from a topic that feeds no raw table; {@code INVALID_VALUE} for a decoded event that the
 * table would reject (an {@code event_name} other than its topic, a rating outside 1..5, an age
 * outside SMALLINT, a NUL character that PostgreSQL text cannot hold). Checking these here keeps a
 * single bad record from failing the whole micro-batch transaction. An event dated more than {@code
 * maxEventTimeAhead} after the wall clock is {@code INVALID_VALUE} too (EventValues), so it cannot
 * move the Spark metric queries' watermark either; any other exception while decoding is {@link
 * DeadLetterText#DECODE_FAILED}. Error texts are built by {@link DeadLetterText}, the same as the
 * Flink jobs'.
 */
public final class EventDecoder {

  /** Dead-letter reason for a record from a topic that feeds no raw table. */
  public static final String UNKNOWN_TOPIC = "UNKNOWN_TOPIC";

  /** Dead-letter reason for a decoded record whose values its table would reject. */
  public static final String INVALID_VALUE = EventValues.INVALID_VALUE;

  /** The table of each event topic, looked up once instead of per record. */
  private static final Map<Topic, RawTable> TABLES = new EnumMap<>(Topic.class);

  static {
    for (Topic t : Topic.values()) {
      RawTable.forTopic(t).ifPresent(table -> TABLES.put(t, table));
    }
  }

  private final ConfluentAvroCodec codec;
  private final Clock clock;
  private final Duration maxEventTimeAhead;
  // The last topic name seen and its lookup: the records of a task come topic by topic.
  private String lastTopicName;
  private Optional<Topic> lastTopic = Optional.empty();

  /**
   * A decoder on the system clock with {@link EventValues#DEFAULT_MAX_AHEAD}.
   *
   * @param codec decodes the Confluent wire format, fetching writer schemas by id (cached)
   */
  public EventDecoder(ConfluentAvroCodec codec) {
    this(codec, Clock.systemUTC(), EventValues.DEFAULT_MAX_AHEAD);
  }

  /**
   * @param codec decodes the Confluent wire format, fetching writer schemas by id (cached)
   * @param clock the wall clock future event times are judged against
   * @param maxEventTimeAhead how far after {@code clock} an event time may be ({@link
   *     EventValues#check(SpecificRecord, java.time.Instant, Duration)}: the rule of the Flink
   *     jobs' deserializer)
   */
  public EventDecoder(ConfluentAvroCodec codec, Clock clock, Duration maxEventTimeAhead) {
    this.codec = codec;
    this.clock = clock;
    this.maxEventTimeAhead = maxEventTimeAhead;
  }

  /**
   * Decodes one record.
   *
   * @param topic the Kafka topic
   * @param partition the Kafka partition
   * @param offset the offset in that partition
   * @param key the record key bytes (UTF-8 {@code user_id} for events), or null
   * @param value the record value (Confluent wire format), or null for a tombstone
   * @return a row of {@link DecodedEvents#SCHEMA}, never null
   * @throws WireFormatException with reason {@code REGISTRY_UNAVAILABLE} when the registry cannot
   *     be asked: the batch must fail and be replayed rather than dead-letter good records
   */
  public Row decode(String topic, int partition, long offset, byte[] key, byte[] value) {
    RecordCoordinates where = new RecordCoordinates(topic, partition, offset);
    if (!topic.equals(lastTopicName)) {
      lastTopic = Topic.byName(topic).filter(Topic::isEvent);
      lastTopicName = topic;
    }
    Optional<Topic> known = lastTopic;
    try {
      if (known.isEmpty()) {
        GenericRecord record = codec.deserializeGeneric(where, value);
        return deadLetter(
            where,
            key,
            value,
            DeadLetterText.error(
                UNKNOWN_TOPIC,
                where,
                "decoded as "
                    + record.getSchema().getFullName()
                    + " but the topic feeds no raw table"));
      }
      SpecificRecord event = codec.deserialize(where, value, known.get().valueClass());
      EventValues.check(event, clock.instant(), maxEventTimeAhead);
      return eventRow(known.get(), event, where);
    } catch (WireFormatException e) {
      if (e.reason() == WireFormatException.Reason.REGISTRY_UNAVAILABLE) {
        throw e;
      }
      return deadLetter(where, key, value, DeadLetterText.error(e));
    } catch (InvalidValueException | EventValues.ImplausibleValueException e) {
      return deadLetter(
          where, key, value, DeadLetterText.error(INVALID_VALUE, where, e.getMessage()));
    } catch (RuntimeException e) {
      // Anything else the decoding threw: the record's fault or a bug, either way one record must
      // not fail the micro-batch (the Flink deserializer's catch-all, with the same text).
      return deadLetter(where, key, value, DeadLetterText.error(where, e));
    }
  }

  private static Row eventRow(Topic topic, SpecificRecord event, RecordCoordinates where) {
    RawTable table = TABLES.get(topic);
    // Field order of DecodedEvents.SCHEMA.
    Object[] v = new Object[DecodedEvents.SCHEMA.size()];
    v[0] = table.tableName();
    v[12] = where.topic();
    v[13] = where.partition();
    v[14] = where.offset();
    // Java 17: no pattern matching in switch yet, hence the instanceof chain.
    if (event instanceof ConsumerRegistration e) {
      common(v, topic, e.getEventId(), e.getEventName(), e.getUserId(), e.getTimestamp());
      v[5] = smallint("age", e.getAge());
      v[6] = text("masked_email", e.getMaskedEmail());
      v[7] = e.getPreferredLanguage().name();
    } else if (event instanceof SignIn e) {
      common(v, topic, e.getEventId(), e.getEventName(), e.getUserId(), e.getTimestamp());
    } else if (event instanceof SignOut e) {
      common(v, topic, e.getEventId(), e.getEventName(), e.getUserId(), e.getTimestamp());
    } else if (event instanceof ItemView e) {
      common(v, topic, e.getEventId(), e.getEventName(), e.getUserId(), e.getTimestamp());
      v[8] = text("item_id", e.getItemId());
    } else if (event instanceof AddedToCart e) {
      common(v, topic, e.getEventId(), e.getEventName(), e.getUserId(), e.getTimestamp());
      v[8] = text("item_id", e.getItemId());
      v[9] = e.getCartId().toString();
    } else if (event instanceof CheckoutToCart e) {
      common(v, topic, e.getEventId(), e.getEventName(), e.getUserId(), e.getTimestamp());
      v[9] = e.getCartId().toString();
      v[10] = e.getPaymentMethod().name();
    } else if (event instanceof ItemRating e) {
      common(v, topic, e.getEventId(), e.getEventName(), e.getUserId(), e.getTimestamp());
      v[8] = text("item_id", e.getItemId());
      v[11] = e.getRating();
    } else {
      throw new IllegalStateException(
          "topic " + topic.topicName() + " maps to " + event.getClass() + " with no mapping");
    }
    return RowFactory.create(v);
  }

  private static void common(
      Object[] v,
      Topic topic,
      java.util.UUID eventId,
      String eventName,
      int userId,
      java.time.Instant timestamp) {
    if (!topic.topicName().equals(eventName)) {
      throw new InvalidValueException(
          "event_name '" + eventName + "' on topic " + topic.topicName());
    }
    v[1] = eventId.toString();
    v[2] = eventName;
    v[3] = userId;
    v[4] = timestamp.toEpochMilli();
  }

  private static int smallint(String field, int value) {
    if (value < Short.MIN_VALUE || value > Short.MAX_VALUE) {
      throw new InvalidValueException(field + " " + value + " outside SMALLINT");
    }
    return value;
  }

  private static String text(String field, String value) {
    if (value.indexOf('\0') >= 0) {
      throw new InvalidValueException(field + " contains a NUL character");
    }
    return value;
  }

  /** A dead-letter row of {@link DecodedEvents#SCHEMA}. */
  static Row deadLetter(RecordCoordinates where, byte[] key, byte[] value, String error) {
    Object[] v = new Object[DecodedEvents.SCHEMA.size()];
    v[0] = DecodedEvents.DEAD_LETTER;
    v[12] = where.topic();
    v[13] = where.partition();
    v[14] = where.offset();
    v[15] = DeadLetterText.key(key);
    v[16] = value == null ? null : Base64.getEncoder().encodeToString(value);
    v[17] = DeadLetterText.error(error);
    return RowFactory.create(v);
  }

  /** A decoded value that its raw table would reject. */
  private static final class InvalidValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidValueException(String message) {
      super(message);
    }
  }
}
