package io.cinestream.schemas;

import io.cinestream.schemas.serde.DeadLetterText;
import io.cinestream.schemas.serde.RecordCoordinates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The signature that makes a {@link WatermarkTick} authentic: only the pipeline's own tick writer,
 * which holds the tick key, can write a tick that moves a watermark. A record with the tick header
 * and a missing or wrong signature is a dead letter with reason {@value #INVALID_TICK_SIGNATURE} in
 * every consumer (the Flink jobs, the Spark metric queries, the raw loader), never a clock advance.
 *
 * <p>Signature: HMAC-SHA256 (RFC 2104, {@code javax.crypto}) with the tick key over the UTF-8 text
 * {@code cinestream-tick-v1\n<topic>\n<partition>\n<timestamp ms>}, the tick's whole content (a
 * tick carries nothing but its event time, the record timestamp, and where it was written, so a
 * signed tick cannot be replayed on another partition or topic, nor with another time), sent as the
 * header {@value #HEADER} = the MAC in lower-case hex (64 characters). Compared in constant time
 * ({@link MessageDigest#isEqual}).
 *
 * <p>Key: the bytes of a file (trailing whitespace ignored, at least {@value #MIN_KEY_BYTES}
 * bytes): locally {@code $CINESTREAM_HOME/data/tick.key}, created with mode 0600 by {@code
 * ./pipeline} on first use (64 random hex characters); in production a Kubernetes Secret mounted as
 * a file. Every process finds it through the environment variable {@value #KEY_FILE_ENV}; a
 * consumer without a readable key accepts no tick at all.
 */
public final class TickSignature {

  /** Name of the Kafka header holding a tick's signature. */
  public static final String HEADER = "cinestream.tick.sig";

  /** Environment variable naming the tick key file. */
  public static final String KEY_FILE_ENV = "CINESTREAM_TICK_KEY_FILE";

  /** Dead-letter reason of a tick with a missing or wrong signature. */
  public static final String INVALID_TICK_SIGNATURE = "INVALID_TICK_SIGNATURE";

  /** The shortest key accepted, in bytes (HMAC-SHA256's block output size). */
  public static final int MIN_KEY_BYTES = 32;

  private static final String ALGORITHM = "HmacSHA256";
  private static final HexFormat HEX = HexFormat.of();

  private TickSignature() {}

  /**
   * The signature of a tick.
   *
   * @param key the tick key
   * @param topic the topic the tick is written to
   * @param partition its partition
   * @param timestampMs its record timestamp = event time, UTC ms
   * @return the header value: the HMAC-SHA256 in lower-case hex, UTF-8 bytes
   */
  public static byte[] sign(byte[] key, String topic, int partition, long timestampMs) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key, ALGORITHM));
      byte[] content =
          ("cinestream-tick-v1\n" + topic + "\n" + partition + "\n" + timestampMs)
              .getBytes(StandardCharsets.UTF_8);
      return HEX.formatHex(mac.doFinal(content)).getBytes(StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  /**
   * Checks a tick's signature.
   *
   * @param key the tick key, or null when the consumer has none (then no tick is valid)
   * @param topic the topic the tick was read from
   * @param partition its partition
   * @param timestampMs its record timestamp, UTC ms
   * @param signature the {@value #HEADER} value, or null when absent
   * @return true only for the signature {@link #sign} gives with this key
   */
  public static boolean verify(
      byte[] key, String topic, int partition, long timestampMs, byte[] signature) {
    if (key == null || signature == null) {
      return false;
    }
    return MessageDigest.isEqual(sign(key, topic, partition, timestampMs), signature);
  }

  /**
   * @param headers a record's headers, or null
   * @return the value of the last {@value #HEADER} header, or null when there is none
   */
  public static byte[] signatureOf(Headers headers) {
    if (headers == null) {
      return null;
    }
    Header h = headers.lastHeader(HEADER);
    return h == null ? null : h.value();
  }

  /**
   * The error text of a dead-lettered tick, in the form of every dead letter ({@link
   * DeadLetterText#error(String, RecordCoordinates, String)}).
   *
   * @param where the record's coordinates
   * @param signature the header value found, or null
   */
  public static String invalidReason(RecordCoordinates where, byte[] signature) {
    return DeadLetterText.error(
        INVALID_TICK_SIGNATURE,
        where,
        "watermark tick "
            + (signature == null ? "without a signature" : "with a wrong signature")
            + " (not written by the pipeline's tick writer)");
  }

  /**
   * Reads the tick key.
   *
   * @param file the key file
   * @return its bytes without trailing whitespace
   * @throws UncheckedIOException when it cannot be read
   * @throws IllegalArgumentException when it holds fewer than {@value #MIN_KEY_BYTES} bytes
   */
  public static byte[] readKey(Path file) {
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the tick key " + file, e);
    }
    int n = raw.length;
    while (n > 0 && Character.isWhitespace(raw[n - 1])) {
      n--;
    }
    if (n < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "the tick key " + file + " holds " + n + " bytes, at least " + MIN_KEY_BYTES + " needed");
    }
    return java.util.Arrays.copyOf(raw, n);
  }

  /**
   * The key named by {@value #KEY_FILE_ENV}.
   *
   * @param env the environment, e.g. {@code System.getenv()}
   * @return the key, or null when the variable is unset or its file does not exist (the caller then
   *     accepts no tick)
   * @throws UncheckedIOException when the file exists but cannot be read
   * @throws IllegalArgumentException when the key is too short
   */
  public static byte[] keyFromEnvironment(Map<String, String> env) {
    String file = env.get(KEY_FILE_ENV);
    if (file == null || file.isBlank() || !Files.exists(Path.of(file))) {
      return null;
    }
    return readKey(Path.of(file));
  }

  /**
   * Reads the key, creating it first when the file is missing: 64 random hex characters from {@link
   * SecureRandom}, file mode 0600 (owner read/write only) where the file system has POSIX
   * permissions.
   *
   * @param file the key file; missing parent folders are created
   * @return the key
   * @throws UncheckedIOException when it cannot be created or read
   */
  public static byte[] readOrCreateKey(Path file) {
    if (!Files.exists(file)) {
      byte[] random = new byte[MIN_KEY_BYTES];
      new SecureRandom().nextBytes(random);
      try {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        try {
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
          Files.createFile(file);
        }
        Files.write(file, HEX.formatHex(random).getBytes(StandardCharsets.US_ASCII));
      } catch (FileAlreadyExistsException e) {
        // another process created it first: use theirs
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the tick key " + file, e);
      }
    }
    return readKey(file);
  }
}
