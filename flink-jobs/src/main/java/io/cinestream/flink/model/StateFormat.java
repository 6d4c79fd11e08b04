package io.cinestream.flink.model;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The pieces the keyed-value serializers ({@link UserStateSerializer}, {@link CartStateSerializer})
 * are written from: a count (4 bytes) then that many longs or {@link EventSerializer} events.
 */
final class StateFormat {

  private StateFormat() {}

  /** Writes {@code values.length} and the longs. */
  static void writeLongs(DataOutputView out, long[] values) throws IOException {
    out.writeInt(values.length);
    for (long v : values) {
      out.writeLong(v);
    }
  }

  /**
   * A count (4 bytes) and that many longs.
   *
   * @param type the state type, named in the message
   * @throws IOException when the count is negative or not a multiple of {@code multipleOf} (named
   *     {@code what} in the message, checked before any long is read), or reading fails
   */
  static long[] readLongs(DataInputView in, int multipleOf, String type, String what)
      throws IOException {
    int n = in.readInt();
    if (n < 0 || n % multipleOf != 0) {
      throw new IOException("corrupt " + type + ": " + n + " " + what);
    }
    long[] values = new long[n];
    for (int i = 0; i < n; i++) {
      values[i] = in.readLong();
    }
    return values;
  }

  /** Writes {@code events.length} and each event in {@link EventSerializer}'s format. */
  static void writeEvents(DataOutputView out, Event[] events) throws IOException {
    out.writeInt(events.length);
    for (Event e : events) {
      EventSerializer.INSTANCE.serialize(e, out);
    }
  }

  /**
   * A count (4 bytes) and that many events; null when the count is 0.
   *
   * @throws IOException when the count is negative (named {@code what} of {@code type}) or reading
   *     fails
   */
  static Event[] readEvents(DataInputView in, String type, String what) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("corrupt " + type + ": " + n + " " + what);
    }
    if (n == 0) {
      return null;
    }
    Event[] events = new Event[n];
    for (int i = 0; i < n; i++) {
      events[i] = EventSerializer.INSTANCE.deserialize(in);
    }
    return events;
  }
}
