package io.cinestream.generator.sink;

import io.cinestream.generator.event.SimEvent;
import io.cinestream.schemas.Topic;

/**
 * Where the generator's records go: Kafka ({@link KafkaEventSink}) or memory ({@link
 * InMemoryEventSink}, for tests).
 *
 * <p>Every record goes to {@code event.topic()} with key = user_id as a decimal string and a value
 * in the Confluent wire format. Not thread-safe, with one exception: {@link #encode} may run on one
 * thread while {@link #sendEncoded} and {@link #sendRaw} run on another (the {@link
 * io.cinestream.generator.Generator}'s two threads).
 */
public interface EventSink extends AutoCloseable {

  /**
   * Encodes one event without sending it (registering its schema on first use).
   *
   * @param event the event
   * @return the value bytes (magic byte, schema id, Avro body); encoding the same event again gives
   *     identical bytes
   * @throws io.cinestream.schemas.serde.RegistryException when the schema cannot be registered
   */
  byte[] encode(SimEvent event);

  /**
   * Sends an event's value as {@link #encode} made it (asynchronously for Kafka).
   *
   * @param event the event (its topic and key are used)
   * @param value the bytes {@code encode(event)} returned
   */
  void sendEncoded(SimEvent event, byte[] value);

  /**
   * Encodes and sends one event.
   *
   * @param event the event; sending the same event again sends an identical record (a duplicate)
   * @return the encoded value bytes that were sent (magic byte, schema id, Avro body)
   * @throws io.cinestream.schemas.serde.RegistryException when the schema cannot be registered
   */
  default byte[] send(SimEvent event) {
    byte[] value = encode(event);
    sendEncoded(event, value);
    return value;
  }

  /**
   * Sends raw bytes as a record value, bypassing the Avro encoding: the path of deliberately
   * malformed records for dead-letter tests.
   *
   * @param topic the event topic
   * @param key the record key
   * @param value the bytes, sent as they are
   */
  void sendRaw(Topic topic, String key, byte[] value);

  /** Blocks until every record sent so far is acknowledged or has failed. */
  void flush();

  /** Records that could not be delivered (0 for memory); final after {@link #flush()}. */
  long failures();

  /** Flushes and releases the sink. */
  @Override
  void close();
}
