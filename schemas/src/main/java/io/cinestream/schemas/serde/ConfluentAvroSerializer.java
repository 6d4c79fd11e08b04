package io.cinestream.schemas.serde;

import java.util.Map;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serializer} of Avro records to the Confluent wire format, subject by
 * TopicNameStrategy ({@code <topic>-value}, or {@code <topic>-key} for keys).
 *
 * <p>Configuration: {@value #REGISTRY_URL_CONFIG} (required unless built with a client).
 */
public final class ConfluentAvroSerializer implements Serializer<GenericContainer> {

  /** The registry root URL, the same key Confluent's serializers read. */
  public static final String REGISTRY_URL_CONFIG = "schema.registry.url";

  private ConfluentAvroCodec codec;
  private boolean isKey;

  /** For Kafka's reflective construction; {@link #configure} must follow. */
  public ConfluentAvroSerializer() {}

  /**
   * @param registry the registry client to use (tests pass an in-memory one)
   */
  public ConfluentAvroSerializer(SchemaRegistryClient registry) {
    this.codec = new ConfluentAvroCodec(registry);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
    if (codec == null) {
      Object url = configs.get(REGISTRY_URL_CONFIG);
      if (url == null) {
        throw new IllegalArgumentException(REGISTRY_URL_CONFIG + " is not set");
      }
      codec = new ConfluentAvroCodec(new CachingSchemaRegistryClient(url.toString()));
    }
  }

  @Override
  public byte[] serialize(String topic, GenericContainer data) {
    if (data == null) {
      return null;
    }
    return codec.serialize(topic + (isKey ? "-key" : "-value"), data);
  }
}
