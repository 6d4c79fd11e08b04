package io.cinestream.flink.model;

/**
 * A Kafka record that could not be decoded (docs/architecture.md#topics-and-schemas): kept with its
 * coordinates, raw bytes and the reason, the row shape of the warehouse table {@code
 * dead_letter_events}.
 *
 * @param topic Kafka topic
 * @param partition Kafka partition
 * @param offset offset within the partition
 * @param key the record key as UTF-8 text, or null
 * @param rawValueBase64 the record value, base64, or null when the value was null
 * @param error why it was rejected (the {@code WireFormatException} reason and detail)
 */
public record DeadLetter(
    String topic, int partition, long offset, String key, String rawValueBase64, String error) {}
