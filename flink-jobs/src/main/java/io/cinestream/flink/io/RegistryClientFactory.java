package io.cinestream.flink.io;

import io.cinestream.schemas.serde.CachingSchemaRegistryClient;
import io.cinestream.schemas.serde.SchemaRegistryClient;
import java.io.Serializable;

/**
 * Creates a {@link SchemaRegistryClient} inside a task: the clients are not serializable, so
 * operators ship this factory and call it in {@code open()}.
 */
@FunctionalInterface
public interface RegistryClientFactory extends Serializable {

  /** A new client; called once per deserializer instance. */
  SchemaRegistryClient create();

  /**
   * A factory of REST clients of the registry at {@code url} (e.g. {@code http://127.0.0.1:8081}).
   */
  static RegistryClientFactory forUrl(String url) {
    return () -> new CachingSchemaRegistryClient(url);
  }
}
