package io.cinestream.spark.catalog;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Byte-level checks of one raw catalogue record for input that the Windows-1252 decoding of {@link
 * CatalogRecordParser} would silently damage.
 *
 * <ul>
 *   <li><b>Undefined cp1252 bytes</b>: Windows-1252 assigns no character to the five bytes 0x81,
 *       0x8D, 0x8F, 0x90 and 0x9D (the code page's table, Unicode's {@code CP1252.TXT}, marks them
 *       UNDEFINED); Java's {@code windows-1252} decoder turns each into U+FFFD, so the original
 *       character is lost without an error. {@link #undefinedCp1252Bytes} counts them.
 *   <li><b>Likely UTF-8</b>: {@link #likelyUtf8} is true when the record contains at least one
 *       non-ASCII byte and its bytes, as a whole, are well-formed UTF-8 (RFC 3629, checked by the
 *       JDK's strict UTF-8 decoder: every byte 0x80-0xFF belongs to a complete 2-4 byte sequence,
 *       no overlong form, no surrogate U+D800-U+DFFF, nothing above U+10FFFF, no 0xC0, 0xC1 or
 *       0xF5-0xFF). Such a record decoded as cp1252 becomes mojibake ({@code é} = C3 A9 reads as
 *       {@code Ã©}, {@code ’} = E2 80 99 as {@code â€™}). A genuine cp1252 record with accented
 *       letters almost never passes: a lone {@code é} (0xE9) is a 3-byte lead followed by ASCII,
 *       i.e. malformed UTF-8. The rule is a heuristic and its one blind spot is deliberate: cp1252
 *       text that happens to spell a valid UTF-8 sequence (the two characters {@code Ã©} written on
 *       purpose) counts as likely UTF-8.
 * </ul>
 *
 * <p>Pure Java, stateless and thread-safe.
 */
public final class EncodingCheck {

  private EncodingCheck() {}

  /**
   * @param b a byte
   * @return whether Windows-1252 leaves {@code b} undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D)
   */
  public static boolean isUndefinedCp1252(byte b) {
    int v = b & 0xFF;
    return v == 0x81 || v == 0x8D || v == 0x8F || v == 0x90 || v == 0x9D;
  }

  /**
   * @param bytes a raw record (undecoded)
   * @return how many of its bytes Windows-1252 leaves undefined (0 or more)
   */
  public static int undefinedCp1252Bytes(byte[] bytes) {
    int n = 0;
    for (byte b : bytes) {
      if (isUndefinedCp1252(b)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Applies the "likely UTF-8" rule of the class comment.
   *
   * @param bytes a raw record (undecoded)
   * @return true when {@code bytes} hold at least one byte 0x80-0xFF and are entirely well-formed
   *     UTF-8; false for pure ASCII (the two encodings agree) and for any malformed byte
   */
  public static boolean likelyUtf8(byte[] bytes) {
    boolean nonAscii = false;
    for (byte b : bytes) {
      if (b < 0) {
        nonAscii = true;
        break;
      }
    }
    if (!nonAscii) {
      return false;
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
