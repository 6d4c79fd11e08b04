package io.cinestream.flink.model;

import io.cinestream.schemas.Topic;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The wire and state format of {@link Event}: no reflection, no {@code String} per id.
 *
 * <p>Layout: topic code (1 byte, {@link #TOPIC_CODES}: fixed here, independent of the enum's
 * declaration order), flags (1 byte: bit 0 watermark tick, bit 1 has a cart, bit 2 has an item),
 * event time (8), user id (4), then the event id's two longs (16) unless a tick, the cart's two
 * longs (16) if it has a cart, the item id ({@link StringValue} encoding) if it has one. A sign_in
 * is 30 bytes (the reflective POJO serializer wrote about 95: a null mask per field and two
 * length-prefixed strings).
 *
 * <p>{@link Event} is an immutable record, so copies return the instance itself (which also makes
 * it safe under object reuse).
 */
public final class EventSerializer extends TypeSerializerSingleton<Event> {

  private static final long serialVersionUID = 1L;

  /** The serializer (stateless: one instance serves every operator). */
  public static final EventSerializer INSTANCE = new EventSerializer();

  /** Topic codes of the format: index = code. Append only; never reorder. */
  static final Topic[] TOPIC_CODES = {
    Topic.CONSUMER_REGISTRATION,
    Topic.SIGN_IN,
    Topic.SIGN_OUT,
    Topic.ITEM_VIEW,
    Topic.ADDED_TO_CART,
    Topic.CHECKOUT_TO_CART,
    Topic.ITEM_RATING,
    Topic.MOVIES_CATALOG_ENRICHED
  };

  private static final byte[] CODE_OF = new byte[Topic.values().length];

  static {
    java.util.Arrays.fill(CODE_OF, (byte) -1);
    for (int i = 0; i < TOPIC_CODES.length; i++) {
      CODE_OF[TOPIC_CODES[i].ordinal()] = (byte) i;
    }
  }

  private static final int TICK = 1;
  private static final int CART = 2;
  private static final int ITEM = 4;

  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public Event createInstance() {
    return null;
  }

  @Override
  public Event copy(Event from) {
    return from;
  }

  @Override
  public Event copy(Event from, Event reuse) {
    return from;
  }

  @Override
  public int getLength() {
    return -1;
  }

  /**
   * @throws IOException when writing fails
   * @throws IllegalStateException when the event's topic has no code in {@link #TOPIC_CODES}
   */
  @Override
  public void serialize(Event e, DataOutputView out) throws IOException {
    byte code = CODE_OF[e.kind().ordinal()];
    if (code < 0) {
      throw new IllegalStateException("topic without a wire code: " + e.kind());
    }
    int flags =
        (e.watermarkTick() ? TICK : 0) | (e.hasCart() ? CART : 0) | (e.itemId() != null ? ITEM : 0);
    out.writeByte(code);
    out.writeByte(flags);
    out.writeLong(e.eventTimeMs());
    out.writeInt(e.userId());
    if (!e.watermarkTick()) {
      out.writeLong(e.idHi());
      out.writeLong(e.idLo());
    }
    if (e.hasCart()) {
      out.writeLong(e.cartHi());
      out.writeLong(e.cartLo());
    }
    if (e.itemId() != null) {
      StringValue.writeString(e.itemId(), out);
    }
  }

  @Override
  public Event deserialize(DataInputView in) throws IOException {
    int code = in.readByte();
    if (code < 0 || code >= TOPIC_CODES.length) {
      throw new IOException("unknown topic code " + code + " in a serialized Event");
    }
    int flags = in.readByte();
    long time = in.readLong();
    int user = in.readInt();
    boolean tick = (flags & TICK) != 0;
    long idHi = tick ? 0 : in.readLong();
    long idLo = tick ? 0 : in.readLong();
    boolean cart = (flags & CART) != 0;
    long cartHi = cart ? in.readLong() : 0;
    long cartLo = cart ? in.readLong() : 0;
    String item = (flags & ITEM) != 0 ? StringValue.readString(in) : null;
    return new Event(TOPIC_CODES[code], tick, idHi, idLo, time, user, item, cart, cartHi, cartLo);
  }

  @Override
  public Event deserialize(Event reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<Event> snapshotConfiguration() {
    return new EventSerializerSnapshot();
  }

  /** Restores {@link EventSerializer} from checkpoints and savepoints (format version 1). */
  public static final class EventSerializerSnapshot extends SimpleTypeSerializerSnapshot<Event> {
    /** Used by Flink when it reads a snapshot. */
    public EventSerializerSnapshot() {
      super(() -> INSTANCE);
    }
  }
}
