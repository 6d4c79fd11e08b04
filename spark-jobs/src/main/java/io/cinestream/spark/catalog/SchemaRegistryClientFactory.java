package io.cinestream.spark.catalog;

import io.cinestream.schemas.serde.SchemaRegistryClient;
import java.io.Serializable;

/**
 * Creates a schema registry client on an executor. Serializable so that Spark can ship it with a
 * task; clients themselves hold HTTP connections and are created once per partition.
 */
@FunctionalInterface
public interface SchemaRegistryClientFactory extends Serializable {

  /**
   * @return a new client; never null
   */
  SchemaRegistryClient create();
}
