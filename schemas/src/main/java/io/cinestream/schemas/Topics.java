package io.cinestream.schemas;

/** Names of the infrastructure topics that are not part of the {@link Topic} event catalogue. */
public final class Topics {

  /**
   * The schema registry's own log: compacted, one partition, key = subject + version. Its name
   * follows Confluent Schema Registry's default {@code kafkastore.topic}.
   */
  public static final String SCHEMAS = "_schemas";

  private Topics() {}
}
