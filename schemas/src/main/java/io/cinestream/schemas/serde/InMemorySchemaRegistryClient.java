package io.cinestream.schemas.serde;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A registry held in this process's memory, for unit tests and embedded use: ids start at 1 and are
 * shared by equal schemas across subjects, as in Confluent's registry. No compatibility checks.
 * Thread-safe.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

  private final Map<Schema, Integer> ids = new HashMap<>();
  private final Map<Integer, Schema> schemas = new HashMap<>();

  @Override
  public synchronized int register(String subject, Schema schema) {
    return ids.computeIfAbsent(
        schema,
        s -> {
          int id = schemas.size() + 1;
          schemas.put(id, s);
          return id;
        });
  }

  @Override
  public synchronized Schema getById(int id) {
    Schema schema = schemas.get(id);
    if (schema == null) {
      throw new RegistryException(
          RegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found", null);
    }
    return schema;
  }
}
