package io.cinestream.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The final watermark tick: a record carrying no event, written once on every partition of every
 * event topic ({@link Topic#events()}) at the end of a bounded run, whose only content is its event
 * time. It moves the event-time watermark of Flink and Spark past the end of every window that
 * holds an event, so both engines close every window without sleeping and without an end-of-input
 * signal (Spark's streaming queries have none).
 *
 * <p>Wire form: key null, value null, Kafka header {@value #HEADER} = {@code "1"} (UTF-8), Kafka
 * record timestamp (CreateTime) = the tick's event time T, UTC ms since the epoch. Every partition,
 * because Flink's Kafka source keeps one watermark per partition and forwards their minimum.
 *
 * <p>Consumers recognize a tick by the header, never by the null value alone: a null value without
 * the header is an undecodable record (a dead letter, docs/architecture.md#topics-and-schemas), and
 * a record with the header and a non-null value is not a tick either (it is decoded as what its
 * value says, and dead-lettered when it cannot be). No consumer writes a tick anywhere: the raw
 * loader skips it, the metric jobs let it through their watermark step and drop it right after.
 */
public final class WatermarkTick {

  /** Name of the Kafka header marking a tick. */
  public static final String HEADER = "cinestream.tick";

  /** Text of the header's value. */
  public static final String HEADER_TEXT = "1";

  private static final byte[] HEADER_VALUE = HEADER_TEXT.getBytes(StandardCharsets.UTF_8);

  private WatermarkTick() {}

  /**
   * @return a new copy of the header value bytes ({@code "1"} in UTF-8)
   */
  public static byte[] headerValue() {
    return HEADER_VALUE.clone();
  }

  /**
   * @param key a header key
   * @param value that header's value bytes (may be null)
   * @return true when this is the tick header: key {@value #HEADER}, value {@code "1"}
   */
  public static boolean isTickHeader(String key, byte[] value) {
    return HEADER.equals(key) && Arrays.equals(HEADER_VALUE, value);
  }

  /**
   * @param value the record value, null for none
   * @param headers the record headers (may be null: no headers)
   * @return true when the record is a tick: a null value and the tick header
   */
  public static boolean isTick(byte[] value, Headers headers) {
    if (value != null || headers == null) {
      return false;
    }
    for (Header h : headers) {
      if (isTickHeader(h.key(), h.value())) {
        return true;
      }
    }
    return false;
  }
}
