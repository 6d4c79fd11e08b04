/**
 * A schema registry server for the local stack that speaks the subset of the Confluent Schema
 * Registry REST API that Confluent clients call (Python {@code confluent-kafka}
 * SchemaRegistryClient, Java {@code CachedSchemaRegistryClient}, our own {@code
 * CachingSchemaRegistryClient}): register, lookup, get by id, subject versions, compatibility
 * checks and compatibility configuration.
 *
 * <p>It exists only because no Confluent Schema Registry is available to us (no Docker, and its
 * artifacts are not on Maven Central). In production, point clients at a real Confluent or managed
 * schema registry instead; nothing in the platform depends on this implementation.
 *
 * <p>Layers: {@link io.cinestream.devstack.registry.SchemaRegistryServer} (HTTP, Javalin) over
 * {@link io.cinestream.devstack.registry.SchemaStore} (the rules: ids, versions, compatibility via
 * Avro's {@code SchemaCompatibility}) over a {@link io.cinestream.devstack.registry.SchemaLog} (the
 * durable append-only state: the compacted Kafka topic {@code _schemas}, or memory in unit tests).
 * One registry process per {@code _schemas} topic: there is no leader election between instances.
 */
package io.cinestream.devstack.registry;
