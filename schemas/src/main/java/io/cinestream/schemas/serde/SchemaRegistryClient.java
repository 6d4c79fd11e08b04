package io.cinestream.schemas.serde;

import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API that the serde needs.
 *
 * <p>Implementations: {@link CachingSchemaRegistryClient} (REST, for a real or the local registry)
 * and {@link InMemorySchemaRegistryClient} (one process, for tests).
 */
public interface SchemaRegistryClient {

  /**
   * Registers {@code schema} under {@code subject}, or finds it when already registered.
   *
   * @return the global schema id (the same for the same schema text, whatever the subject)
   * @throws RegistryException 409 when the schema breaks the subject's compatibility mode, 42201
   *     when it is invalid, -1 when the registry cannot be reached
   */
  int register(String subject, Schema schema);

  /**
   * Fetches the schema with a global id.
   *
   * @throws RegistryException 40403 when the id is unknown, -1 when the registry cannot be reached
   */
  Schema getById(int id);
}
