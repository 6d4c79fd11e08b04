package io.cinestream.generator.sink;

import io.cinestream.generator.event.SimEvent;
import io.cinestream.schemas.Topic;

/**
 * One record as an {@link InMemoryEventSink} received it.
 *
 * @param topic the topic
 * @param key the record key, user_id as a decimal string
 * @param value the value bytes, Confluent wire format unless malformed
 * @param event the event encoded in {@code value}, or null for a raw (malformed) record
 */
public record SentRecord(Topic topic, String key, byte[] value, SimEvent event) {

  /** Whether this record was sent through {@link EventSink#sendRaw}. */
  public boolean isRaw() {
    return event == null;
  }
}
