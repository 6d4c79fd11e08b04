package io.cinestream.schemas.serde;

/**
 * A Kafka record value that cannot be decoded from the Confluent wire format.
 *
 * <p>It names the record by its Kafka coordinates (topic, partition, offset; partition and offset
 * are {@code -1} where the caller does not know them, as inside a Kafka {@code Deserializer}, whose
 * consumer wraps this exception into a {@code RecordDeserializationException} carrying them) and
 * the {@link Reason}, so that the record can be routed to the dead-letter table with its cause.
 */
public class WireFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why a payload was rejected. */
  public enum Reason {
    /** Null or shorter than the 5-byte header (magic byte + schema id), or Avro body cut short. */
    TRUNCATED,
    /** Byte 0 is not the Confluent magic byte 0. */
    BAD_MAGIC_BYTE,
    /** The registry does not know the schema id of bytes 1-4. */
    UNKNOWN_SCHEMA_ID,
    /** The header is fine but the Avro body does not decode with the writer schema. */
    BAD_AVRO,
    /** The writer schema cannot be resolved to the reader schema (incompatible evolution). */
    INCOMPATIBLE_SCHEMA,
    /**
     * The Avro body declares a string, bytes value or collection longer than {@link
     * AvroDecodingLimits} allows (a length bomb): refused before anything is allocated.
     */
    TOO_LARGE,
    /** The registry could not be reached or answered with an error other than "not found". */
    REGISTRY_UNAVAILABLE
  }

  private final Reason reason;
  private final RecordCoordinates where;
  private final String detail;

  /**
   * @param reason why the payload was rejected
   * @param where the record's Kafka coordinates (use {@link RecordCoordinates#unknown(String)} when
   *     only the topic is known)
   * @param detail human-readable detail, e.g. the byte found or the schema id
   * @param cause the underlying exception, or null
   */
  public WireFormatException(
      Reason reason, RecordCoordinates where, String detail, Throwable cause) {
    super(where + ": " + reason + ": " + detail, cause);
    this.reason = reason;
    this.where = where;
    this.detail = detail;
  }

  /** The human-readable detail alone, without the coordinates and the reason. */
  public String detail() {
    return detail;
  }

  /** Why the payload was rejected. */
  public Reason reason() {
    return reason;
  }

  /** Where the record sits in Kafka. */
  public RecordCoordinates where() {
    return where;
  }

  /** The topic of the record. */
  public String topic() {
    return where.topic();
  }

  /** The partition of the record, or -1 when unknown. */
  public int partition() {
    return where.partition();
  }

  /** The offset of the record, or -1 when unknown. */
  public long offset() {
    return where.offset();
  }
}
