package io.cinestream.generator.event;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * Writes Avro binary encoding (Apache Avro 1.11 specification, "Binary Encoding") into a reusable
 * buffer: the primitive writes the event records need to encode themselves ({@link
 * SimEvent#writeAvro}) without building an Avro {@code SpecificRecord} and running {@code
 * SpecificDatumWriter} with its logical-type conversions for every event.
 *
 * <ul>
 *   <li>{@code int} and {@code long}: zig-zag, then variable length, 7 bits per byte, low first;
 *   <li>{@code string}: the UTF-8 length as a {@code long}, then the UTF-8 bytes;
 *   <li>{@code enum}: the symbol's index as an {@code int};
 *   <li>logical {@code uuid}: its string, the 36 lower-case characters of RFC 9562 section 4.
 * </ul>
 *
 * <p>Not thread-safe: one writer per encoding thread.
 */
public final class AvroBodyWriter {

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private byte[] buf = new byte[256];
  private int count;

  /** Empties the buffer for the next record. */
  public void reset() {
    count = 0;
  }

  /** A copy of the bytes written since the last {@link #reset()}. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, count);
  }

  /** One raw byte (e.g. the wire format's magic byte), not Avro-encoded. */
  public void writeRawByte(int b) {
    ensure(1);
    buf[count++] = (byte) b;
  }

  /** A 4-byte big-endian integer (the wire format's schema id), not Avro-encoded. */
  public void writeRawIntBigEndian(int v) {
    ensure(4);
    buf[count++] = (byte) (v >>> 24);
    buf[count++] = (byte) (v >>> 16);
    buf[count++] = (byte) (v >>> 8);
    buf[count++] = (byte) v;
  }

  /** An Avro {@code int}. */
  public void writeInt(int v) {
    ensure(5);
    int z = (v << 1) ^ (v >> 31);
    while ((z & ~0x7F) != 0) {
      buf[count++] = (byte) ((z & 0x7F) | 0x80);
      z >>>= 7;
    }
    buf[count++] = (byte) z;
  }

  /** An Avro {@code long} (also a {@code timestamp-millis}: UTC ms since the epoch). */
  public void writeLong(long v) {
    ensure(10);
    long z = (v << 1) ^ (v >> 63);
    while ((z & ~0x7FL) != 0) {
      buf[count++] = (byte) ((z & 0x7F) | 0x80);
      z >>>= 7;
    }
    buf[count++] = (byte) z;
  }

  /** An Avro {@code enum} symbol by its index in the schema's symbol list. */
  public void writeEnum(int index) {
    writeInt(index);
  }

  /** An Avro {@code string}; ASCII is copied char by char, anything else goes through UTF-8. */
  public void writeString(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        writeBytes(s.getBytes(StandardCharsets.UTF_8));
        return;
      }
    }
    writeLong(n);
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[count++] = (byte) s.charAt(i);
    }
  }

  /** An Avro {@code string} whose UTF-8 bytes are given (e.g. a constant encoded once). */
  public void writeBytes(byte[] utf8) {
    writeLong(utf8.length);
    ensure(utf8.length);
    System.arraycopy(utf8, 0, buf, count, utf8.length);
    count += utf8.length;
  }

  /** An Avro {@code string} with logical type {@code uuid}: the UUID's canonical text. */
  public void writeUuid(UUID u) {
    writeLong(36);
    ensure(36);
    long msb = u.getMostSignificantBits();
    long lsb = u.getLeastSignificantBits();
    hex(msb >>> 32, 8);
    buf[count++] = '-';
    hex(msb >>> 16, 4);
    buf[count++] = '-';
    hex(msb, 4);
    buf[count++] = '-';
    hex(lsb >>> 48, 4);
    buf[count++] = '-';
    hex(lsb, 12);
  }

  /** The low {@code digits} hex digits of {@code v}, most significant first. */
  private void hex(long v, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      buf[count + i] = HEX[(int) (v & 0xF)];
      v >>>= 4;
    }
    count += digits;
  }

  private void ensure(int extra) {
    if (count + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + extra));
    }
  }
}
