package io.cinestream.schemas.serde;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The text columns of a {@code dead_letter_events} row, made storable the same way by every writer
 * (the Spark raw loader and the Flink jobs): PostgreSQL {@code text} holds neither a NUL character
 * nor invalid UTF-8, and a hostile key or message with either made the row fail, the sink retry
 * and, in Flink, the job fail after its restart attempts.
 */
public final class DeadLetterText {

  /** The prefix of a key stored as base64 because it is not storable as text. */
  public static final String BASE64_PREFIX = "base64:";

  /** The longest error text stored, in characters (a longer one is cut and marked). */
  public static final int MAX_ERROR_CHARS = 4_000;

  /**
   * Dead-letter reason of a record whose decoding failed in a way no other reason names (an
   * unexpected exception in a decoder, e.g. a bug or a value a mapping did not foresee): the
   * catch-all of the Flink deserializer and the Spark decoder, so that the reason column ({@code
   * split_part(error, ':', 1)}) still names a reason and not the record's coordinates.
   */
  public static final String DECODE_FAILED = "DECODE_FAILED";

  private DeadLetterText() {}

  /**
   * The record key as stored.
   *
   * @param key the Kafka record key bytes, or null
   * @return null for a null key; the key as UTF-8 text when it is valid UTF-8 without a NUL
   *     character; otherwise {@code base64:<the key's bytes in base64>}, so the raw key survives
   *     unchanged
   */
  public static String key(byte[] key) {
    if (key == null) {
      return null;
    }
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(key))
              .toString();
      if (text.indexOf('\0') < 0) {
        return text;
      }
    } catch (CharacterCodingException e) {
      // falls through to base64: the raw key must survive unchanged
    }
    return BASE64_PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /**
   * The error text of a dead letter, as stored: {@code <reason>: <where>: <detail>}, sanitised by
   * {@link #error(String)}.
   *
   * @param reason the reason code, e.g. {@code TRUNCATED} or {@code INVALID_VALUE}
   * @param where the record's Kafka coordinates
   * @param detail what is wrong, e.g. {@code user_id 0 outside 1..1000000}
   */
  public static String error(String reason, RecordCoordinates where, String detail) {
    return error(reason + ": " + where + ": " + detail);
  }

  /**
   * The error text of a record that failed to decode: {@code <e.reason()>: <e.where()>:
   * <e.detail()>}, sanitised by {@link #error(String)}.
   */
  public static String error(WireFormatException e) {
    return error(e.reason().name(), e.where(), e.detail());
  }

  /**
   * The error text of a record whose decoder threw an unexpected exception: {@code DECODE_FAILED:
   * <where>: <exception class>: <message>}, sanitised by {@link #error(String)}.
   *
   * @param where the record's Kafka coordinates
   * @param e what the decoder threw
   */
  public static String error(RecordCoordinates where, RuntimeException e) {
    return error(DECODE_FAILED, where, e.toString());
  }

  /**
   * The error text as stored: NUL characters replaced by U+FFFD, at most {@link #MAX_ERROR_CHARS}
   * characters (a cut text ends with {@code " [cut]"}).
   *
   * @param error the reason, as built by the decoder (never null)
   */
  public static String error(String error) {
    String clean = error.replace('\0', '\uFFFD');
    return clean.length() <= MAX_ERROR_CHARS
        ? clean
        : clean.substring(0, MAX_ERROR_CHARS - 6) + " [cut]";
  }
}
