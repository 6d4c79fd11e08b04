package io.cinestream.devstack.registry;

import io.cinestream.schemas.Topics;

/**
 * Settings of a {@link SchemaRegistryServer}.
 *
 * @param host the address to bind, normally {@code 127.0.0.1}
 * @param port the port to bind; 0 picks a free one ({@link SchemaRegistryServer#port()} tells
 *     which)
 * @param bootstrapServers Kafka bootstrap of the {@code _schemas} log, e.g. {@code 127.0.0.1:9092}
 * @param topic the log topic, {@link Topics#SCHEMAS} unless a test isolates itself
 * @param maxRequestBytes the largest request body accepted; larger ones get HTTP 413
 */
public record RegistryConfig(
    String host, int port, String bootstrapServers, String topic, int maxRequestBytes) {

  /** Schemas are small; this leaves room for large generated ones and refuses runaway bodies. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;

  /**
   * @throws IllegalArgumentException when a value is missing or out of range
   */
  public RegistryConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host is required");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (topic == null || topic.isBlank()) {
      throw new IllegalArgumentException("topic is required");
    }
    if (maxRequestBytes < 1) {
      throw new IllegalArgumentException("maxRequestBytes must be positive: " + maxRequestBytes);
    }
  }

  /** 127.0.0.1:8081 (Confluent's default port), log in {@code _schemas} on 127.0.0.1:9092. */
  public static RegistryConfig defaults() {
    return new RegistryConfig(
        "127.0.0.1", 8081, "127.0.0.1:9092", Topics.SCHEMAS, DEFAULT_MAX_REQUEST_BYTES);
  }

  /** A copy with another bind address. */
  public RegistryConfig withHost(String newHost) {
    return new RegistryConfig(newHost, port, bootstrapServers, topic, maxRequestBytes);
  }

  /** A copy with another port (0 = any free port). */
  public RegistryConfig withPort(int newPort) {
    return new RegistryConfig(host, newPort, bootstrapServers, topic, maxRequestBytes);
  }

  /** A copy with another Kafka bootstrap. */
  public RegistryConfig withBootstrapServers(String newBootstrapServers) {
    return new RegistryConfig(host, port, newBootstrapServers, topic, maxRequestBytes);
  }

  /** A copy with another log topic. */
  public RegistryConfig withTopic(String newTopic) {
    return new RegistryConfig(host, port, bootstrapServers, newTopic, maxRequestBytes);
  }

  /** A copy with another request size limit. */
  public RegistryConfig withMaxRequestBytes(int newMaxRequestBytes) {
    return new RegistryConfig(host, port, bootstrapServers, topic, newMaxRequestBytes);
  }
}
