package io.cinestream.generator.sink;

import io.cinestream.generator.event.SimEvent;
import io.cinestream.schemas.Topic;

/**
 * Where the generator's records go: Kafka ({@link KafkaEventSink}) or memory ({@link
 * InMemoryEventSink}, for tests).
 *
 * <p>Every record goes to {@code event.topic()} with key = user_id as a decimal string and a value
 * in the Confluent wire format. Not thread-safe: one generator thread calls it.
 */
public interface EventSink extends AutoCloseable {

  /**
   * Encodes and sends one event (asynchronously for Kafka).
   *
   * @param event the event; sending the same event again sends an identical record (a duplicate)
   * @return the encoded value bytes that were sent (magic byte, schema id, Avro body)
   * @throws io.cinestream.schemas.serde.RegistryException when the schema cannot be registered
   */
  byte[] send(SimEvent event);

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
