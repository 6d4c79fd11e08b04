package io.cinestream.flink.model;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The state format of {@link CartState}: timer (8 bytes), the number of seen id longs (4) and the
 * longs, the number of checkout times (4) and the times, the number of adds (4) and each in {@link
 * EventSerializer}'s format. No reflection, no Kryo.
 */
public final class CartStateSerializer extends TypeSerializerSingleton<CartState> {

  private static final long serialVersionUID = 1L;

  /** The serializer (stateless). */
  public static final CartStateSerializer INSTANCE = new CartStateSerializer();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public CartState createInstance() {
    return new CartState();
  }

  @Override
  public CartState copy(CartState from) {
    return from.copy();
  }

  @Override
  public CartState copy(CartState from, CartState reuse) {
    return from.copy();
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(CartState c, DataOutputView out) throws IOException {
    out.writeLong(c.timerAtMs);
    StateFormat.writeLongs(out, c.seenIds);
    StateFormat.writeLongs(out, c.checkoutsMs);
    StateFormat.writeEvents(out, c.adds);
  }

  /**
   * @throws IOException when reading fails or a length is negative (not this format)
   */
  @Override
  public CartState deserialize(DataInputView in) throws IOException {
    CartState c = new CartState();
    c.timerAtMs = in.readLong();
    long[] ids = StateFormat.readLongs(in, 3, "CartState", "seen-id longs");
    if (ids.length > 0) {
      c.seenIds = ids;
    }
    long[] checkouts = StateFormat.readLongs(in, 1, "CartState", "checkout times");
    if (checkouts.length > 0) {
      c.checkoutsMs = checkouts;
    }
    Event[] adds = StateFormat.readEvents(in, "CartState", "adds");
    if (adds != null) {
      c.adds = adds;
    }
    return c;
  }

  @Override
  public CartState deserialize(CartState reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<CartState> snapshotConfiguration() {
    return new CartStateSerializerSnapshot();
  }

  /** Restores {@link CartStateSerializer} from checkpoints and savepoints (format version 1). */
  public static final class CartStateSerializerSnapshot
      extends SimpleTypeSerializerSnapshot<CartState> {
    /** Used by Flink when it reads a snapshot. */
    public CartStateSerializerSnapshot() {
      super(() -> INSTANCE);
    }
  }
}
