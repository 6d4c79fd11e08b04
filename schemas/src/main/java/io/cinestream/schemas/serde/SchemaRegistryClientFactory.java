package io.cinestream.schemas.serde;

import java.io.Serializable;

/**
 * Creates a {@link SchemaRegistryClient} inside a Spark task or a Flink operator. Clients hold HTTP
 * connections and caches and are not serializable, so jobs ship this factory with their closures
 * and call it once per partition (Spark) or in {@code open()} (Flink).
 */
@FunctionalInterface
public interface SchemaRegistryClientFactory extends Serializable {

  /**
   * @return a new client; never null
   */
  SchemaRegistryClient create();

  /**
   * A factory of caching REST clients of the registry at {@code url}.
   *
   * @param url registry root, e.g. {@code http://127.0.0.1:8081}
   */
  static SchemaRegistryClientFactory forUrl(String url) {
    return () -> new CachingSchemaRegistryClient(url);
  }
}
