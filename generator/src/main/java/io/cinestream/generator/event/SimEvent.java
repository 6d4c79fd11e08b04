package io.cinestream.generator.event;

import io.cinestream.schemas.Topic;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * One user-activity event as the simulation emits it: the common base of the seven event types of
 * docs/architecture.md#topics-and-schemas.
 *
 * <p>Polymorphism earns its place here: the delivery path (out-of-order buffer, duplicates,
 * malformed copies, sinks, summary) handles every type through {@link #topic()}, {@link #key()} and
 * {@link #toAvro()} without knowing which one it holds, while tests pattern-match on the concrete
 * records to check the behavioural invariants.
 */
public sealed interface SimEvent
    permits RegistrationEvent,
        SignInEvent,
        SignOutEvent,
        ItemViewEvent,
        AddedToCartEvent,
        CheckoutEvent,
        ItemRatingEvent {

  /** The idempotency key: a version-4 UUID drawn from the run's seeded random stream. */
  UUID eventId();

  /** Event time, UTC milliseconds since the epoch (the Avro {@code timestamp} field). */
  long timestampMs();

  /** The acting user, 1..1,000,000. */
  int userId();

  /** The topic this event type is produced to; also its {@code event_name}. */
  Topic topic();

  /**
   * A new instance of the generated Avro class of {@link #topic()} holding this event.
   *
   * @return a record that validates against {@code topic().valueSchema()}
   */
  SpecificRecord toAvro();

  /**
   * Writes the Avro binary body of {@link #toAvro()} (no wire-format header): the same bytes {@code
   * SpecificDatumWriter} writes for that record, written straight from the fields.
   *
   * @param out the writer to append to
   */
  void writeAvro(AvroBodyWriter out);

  /**
   * The four fields every event schema starts with, in schema order: {@code event_id}, {@code
   * timestamp}, {@code event_name}, {@code user_id}.
   *
   * @param out the writer to append to
   */
  default void writeCommonAvroFields(AvroBodyWriter out) {
    out.writeUuid(eventId());
    out.writeLong(timestampMs());
    out.writeString(topic().topicName());
    out.writeInt(userId());
  }

  /**
   * The Kafka record key: {@code user_id} as a decimal string
   * (docs/architecture.md#topics-and-schemas).
   */
  default String key() {
    return Integer.toString(userId());
  }
}
