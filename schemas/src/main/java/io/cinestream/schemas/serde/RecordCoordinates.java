package io.cinestream.schemas.serde;

import java.io.Serializable;

/**
 * Where a Kafka record sits: topic, partition, offset. Used to name a bad record in errors and in
 * the dead-letter table.
 *
 * @param topic the topic name
 * @param partition the partition, or -1 when unknown
 * @param offset the offset within the partition, or -1 when unknown
 */
public record RecordCoordinates(String topic, int partition, long offset) implements Serializable {

  /** Coordinates of a record of which only the topic is known (inside a Kafka Deserializer). */
  public static RecordCoordinates unknown(String topic) {
    return new RecordCoordinates(topic, -1, -1L);
  }

  @Override
  public String toString() {
    return partition < 0
        ? "topic " + topic
        : "topic " + topic + " partition " + partition + " offset " + offset;
  }
}
