package io.cinestream.devstack.registry;

import java.util.List;

/**
 * The registry's durable state: an append-only log of key/value records, replayed in order on
 * start. Keys and values are JSON text (see {@link SchemaStore} for the format); a null value is a
 * tombstone that removes the key, as in a compacted Kafka topic, where only the last record per key
 * has to survive.
 *
 * <p>Implementations: {@link KafkaSchemaLog} (the compacted topic {@code _schemas}) and {@link
 * InMemorySchemaLog} (unit tests). Callers serialize their appends; implementations need not be
 * thread-safe beyond that.
 */
public interface SchemaLog extends AutoCloseable {

  /**
   * One record of the log.
   *
   * @param key JSON key, never null
   * @param value JSON value, or null for a tombstone
   */
  record Entry(String key, String value) {}

  /**
   * Reads every record written so far, oldest first.
   *
   * @return the records up to the current end of the log
   * @throws IllegalStateException when the log cannot be read completely
   */
  List<Entry> readAll();

  /**
   * Appends a record and returns only once it is durable (for Kafka: acknowledged by all in-sync
   * replicas).
   *
   * @param entry the record
   * @throws SchemaLogException when the record may not have been written
   */
  void append(Entry entry);

  /** Releases the log's resources; the data stays. */
  @Override
  void close();

  /** A write to the log failed or timed out; the record may or may not be in the log. */
  final class SchemaLogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     * @param cause the client's exception
     */
    public SchemaLogException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
