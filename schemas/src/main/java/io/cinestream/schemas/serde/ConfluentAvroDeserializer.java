package io.cinestream.schemas.serde;

import io.cinestream.schemas.Topic;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka {@link Deserializer} of Confluent wire-format Avro values.
 *
 * <p>For a topic of the {@link Topic} catalogue it returns that topic's generated class (the writer
 * schema resolved against this build's schema); for any other topic a {@link
 * org.apache.avro.generic.GenericRecord}. A bad payload throws {@link WireFormatException}, which
 * the Kafka consumer wraps in a {@code RecordDeserializationException} naming partition and offset.
 *
 * <p>Configuration: {@value ConfluentAvroSerializer#REGISTRY_URL_CONFIG} (required unless built
 * with a client).
 */
public final class ConfluentAvroDeserializer implements Deserializer<Object> {

  private ConfluentAvroCodec codec;

  /** For Kafka's reflective construction; {@link #configure} must follow. */
  public ConfluentAvroDeserializer() {}

  /**
   * @param registry the registry client to use (tests pass an in-memory one)
   */
  public ConfluentAvroDeserializer(SchemaRegistryClient registry) {
    this.codec = new ConfluentAvroCodec(registry);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (codec == null) {
      Object url = configs.get(ConfluentAvroSerializer.REGISTRY_URL_CONFIG);
      if (url == null) {
        throw new IllegalArgumentException(
            ConfluentAvroSerializer.REGISTRY_URL_CONFIG + " is not set");
      }
      codec = new ConfluentAvroCodec(new CachingSchemaRegistryClient(url.toString()));
    }
  }

  @Override
  public Object deserialize(String topic, byte[] data) {
    if (data == null) {
      return null; // a tombstone on the compacted catalogue topic
    }
    RecordCoordinates where = RecordCoordinates.unknown(topic);
    return Topic.byName(topic)
        .<Object>map(t -> codec.deserialize(where, data, t.valueClass()))
        .orElseGet(() -> codec.deserializeGeneric(where, data));
  }
}
