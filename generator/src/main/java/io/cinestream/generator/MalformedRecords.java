package io.cinestream.generator;

import io.cinestream.schemas.serde.ConfluentAvroCodec;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Makes undecodable copies of a valid Confluent wire-format value, for dead-letter tests ({@code
 * --malformed-rate}). Each kind is rejected by {@link ConfluentAvroCodec} with its own reason.
 */
public final class MalformedRecords {

  /** How a copy is broken, and the decoder's reason for rejecting it. */
  public enum Kind {
    /** Byte 0 set to 1..255: rejected as BAD_MAGIC_BYTE. */
    WRONG_MAGIC_BYTE,
    /**
     * Schema id set to {@value #UNKNOWN_ID_BASE} + 0..2^20-1, far above any id a registry hands
     * out: rejected as UNKNOWN_SCHEMA_ID.
     */
    UNKNOWN_SCHEMA_ID,
    /** The Avro body cut short (header kept): rejected as TRUNCATED. */
    TRUNCATED_AVRO
  }

  /** Lowest schema id used for the unknown-id kind. */
  public static final int UNKNOWN_ID_BASE = 2_000_000_000;

  private MalformedRecords() {}

  /**
   * A malformed value and its kind.
   *
   * @param kind how it is broken
   * @param bytes the value
   */
  public record Malformed(Kind kind, byte[] bytes) {}

  /**
   * Breaks a copy of {@code valid}; the kind is drawn uniformly.
   *
   * @param valid a wire-format value (magic byte, 4-byte id, Avro body of at least 1 byte)
   * @param random the malformed stream
   * @throws IllegalArgumentException when {@code valid} has no body
   */
  public static Malformed corrupt(byte[] valid, SplittableRandom random) {
    if (valid.length <= ConfluentAvroCodec.HEADER_LENGTH) {
      throw new IllegalArgumentException("value has no Avro body");
    }
    Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
    byte[] out;
    switch (kind) {
      case WRONG_MAGIC_BYTE -> {
        out = valid.clone();
        out[0] = (byte) (1 + random.nextInt(255));
      }
      case UNKNOWN_SCHEMA_ID -> {
        out = valid.clone();
        int id = UNKNOWN_ID_BASE + random.nextInt(1 << 20);
        out[1] = (byte) (id >>> 24);
        out[2] = (byte) (id >>> 16);
        out[3] = (byte) (id >>> 8);
        out[4] = (byte) id;
      }
      case TRUNCATED_AVRO -> {
        int bodyKept = random.nextInt(valid.length - ConfluentAvroCodec.HEADER_LENGTH);
        out = Arrays.copyOf(valid, ConfluentAvroCodec.HEADER_LENGTH + bodyKept);
      }
      default -> throw new IllegalStateException("unknown kind " + kind);
    }
    return new Malformed(kind, out);
  }
}
