package io.cinestream.schemas.serde;

import java.lang.reflect.Method;
import org.apache.avro.SystemLimitException;

/**
 * Upper bounds on the lengths that an Avro body may declare, so that a hostile record cannot make a
 * consumer allocate what its bytes do not hold.
 *
 * <p>Avro's binary decoder allocates a string, bytes value or collection at the length the record
 * declares before it reads the content: a 10-byte {@code sign_in} whose string length says 2^31-16
 * bytes makes it allocate 2 GiB and throw {@link OutOfMemoryError}, which stops a loader batch or a
 * Flink task for good. Avro 1.11.3+ checks every declared length against the JVM-wide limits of
 * {@link SystemLimitException} (system properties {@value #STRING_PROPERTY}, {@value
 * #BYTES_PROPERTY}, {@value #COLLECTION_PROPERTY}; default: the VM's array limit, i.e. no
 * protection). {@link #apply()} sets them to the maxima below unless the JVM was started with its
 * own values, and re-reads them, so a bomb fails with a {@link SystemLimitException} before any
 * allocation; {@link ConfluentAvroCodec} turns that into {@link
 * WireFormatException.Reason#TOO_LARGE} (a dead letter).
 *
 * <p>The maxima are far above any record of this platform (events are under 200 bytes; the largest
 * catalogue record of Movies.txt, attributes included, is under 8 KiB) and far below what a
 * TaskManager or executor heap could hold per record.
 */
public final class AvroDecodingLimits {

  /** Avro's system property for the longest string, in bytes. */
  public static final String STRING_PROPERTY = "org.apache.avro.limits.string.maxLength";

  /** Avro's system property for the longest bytes value, in bytes. */
  public static final String BYTES_PROPERTY = "org.apache.avro.limits.bytes.maxLength";

  /** Avro's system property for the most items of one array or map. */
  public static final String COLLECTION_PROPERTY =
      "org.apache.avro.limits.collectionItems.maxLength";

  /** Longest string a record may declare: 1 MiB of UTF-8. */
  public static final int MAX_STRING_BYTES = 1 << 20;

  /** Longest bytes value a record may declare: 1 MiB. */
  public static final int MAX_BYTES = 1 << 20;

  /** Most items one array or map may declare. */
  public static final int MAX_COLLECTION_ITEMS = 100_000;

  private static volatile boolean applied;

  private AvroDecodingLimits() {}

  /**
   * Puts the limits in force for this JVM (idempotent, thread-safe). A property already set (e.g.
   * by {@code -Dorg.apache.avro.limits.string.maxLength=...}) is kept.
   *
   * @throws IllegalStateException when the limits cannot be put in force: Avro read its properties
   *     before this call and cannot be made to read them again (then start the JVM with the three
   *     {@code -D} options instead)
   */
  public static void apply() {
    if (applied) {
      return;
    }
    synchronized (AvroDecodingLimits.class) {
      if (applied) {
        return;
      }
      setIfAbsent(STRING_PROPERTY, MAX_STRING_BYTES);
      setIfAbsent(BYTES_PROPERTY, MAX_BYTES);
      setIfAbsent(COLLECTION_PROPERTY, MAX_COLLECTION_ITEMS);
      rereadAvroLimits();
      if (!inForce()) {
        throw new IllegalStateException(
            "Avro's decoding limits are not in force (Avro read its limit properties before "
                + "they were set): start the JVM with -D"
                + STRING_PROPERTY
                + "="
                + MAX_STRING_BYTES
                + " -D"
                + BYTES_PROPERTY
                + "="
                + MAX_BYTES
                + " -D"
                + COLLECTION_PROPERTY
                + "="
                + MAX_COLLECTION_ITEMS);
      }
      applied = true;
    }
  }

  /**
   * The limits in force, for error messages, e.g. {@code "string 1048576 B, bytes 1048576 B,
   * collection 100000 items"}.
   */
  public static String describe() {
    return "string "
        + System.getProperty(STRING_PROPERTY)
        + " B, bytes "
        + System.getProperty(BYTES_PROPERTY)
        + " B, collection "
        + System.getProperty(COLLECTION_PROPERTY)
        + " items";
  }

  /** True when a declared string length one past the configured limit is refused by Avro. */
  static boolean inForce() {
    long limit = Long.parseLong(System.getProperty(STRING_PROPERTY));
    try {
      SystemLimitException.checkMaxStringLength(limit + 1);
      return false;
    } catch (SystemLimitException expected) {
      return true;
    }
  }

  private static void setIfAbsent(String property, int value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, Integer.toString(value));
    }
  }

  /**
   * Avro reads the properties once, when {@link SystemLimitException} is initialised; its
   * package-private {@code resetLimits()} (Avro's own test hook) reads them again. If Avro was
   * already used in this JVM, that is the only way to change them without a restart.
   */
  private static void rereadAvroLimits() {
    try {
      Method reset = SystemLimitException.class.getDeclaredMethod("resetLimits");
      reset.setAccessible(true);
      reset.invoke(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // inForce() decides: if the class was initialised after the properties were set, the limits
      // hold without a reset.
    }
  }
}
