package io.cinestream.generator.sink;

import io.cinestream.generator.event.SimEvent;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.serde.InMemorySchemaRegistryClient;
import io.cinestream.schemas.serde.SchemaRegistryClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Keeps every record in memory, in send order, encoded by the same {@link EventEncoder} as {@link
 * KafkaEventSink} against an in-process registry, so tests see exactly the bytes Kafka would get.
 */
public final class InMemoryEventSink implements EventSink {

  private final SchemaRegistryClient registry;
  private final EventEncoder encoder;
  private final List<SentRecord> records = new ArrayList<>();

  /** A sink with its own {@link InMemorySchemaRegistryClient}. */
  public InMemoryEventSink() {
    this(new InMemorySchemaRegistryClient());
  }

  /**
   * @param registry where schemas are registered (tests decode against the same one)
   */
  public InMemoryEventSink(SchemaRegistryClient registry) {
    this.registry = registry;
    this.encoder = new EventEncoder(registry);
  }

  @Override
  public byte[] encode(SimEvent event) {
    return encoder.encode(event);
  }

  @Override
  public void sendEncoded(SimEvent event, byte[] value) {
    records.add(new SentRecord(event.topic(), event.key(), value, event));
  }

  @Override
  public void sendRaw(Topic topic, String key, byte[] value) {
    records.add(new SentRecord(topic, key, value.clone(), null));
  }

  @Override
  public void flush() {}

  @Override
  public long failures() {
    return 0;
  }

  @Override
  public void close() {}

  /** Every record received, in send order (unmodifiable view). */
  public List<SentRecord> records() {
    return Collections.unmodifiableList(records);
  }

  /** The registry the values were encoded against. */
  public SchemaRegistryClient registry() {
    return registry;
  }
}
