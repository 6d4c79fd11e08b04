package io.cinestream.flink.model;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The state format of {@link UserState}: open sign_in (8 bytes), timer (8), the number of seen id
 * longs (4) and the longs, the number of slots (4) and the slots, the number of pending events (4)
 * and each in {@link EventSerializer}'s format. No reflection, no Kryo.
 */
public final class UserStateSerializer extends TypeSerializerSingleton<UserState> {

  private static final long serialVersionUID = 1L;

  /** The serializer (stateless). */
  public static final UserStateSerializer INSTANCE = new UserStateSerializer();

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public UserState createInstance() {
    return new UserState();
  }

  @Override
  public UserState copy(UserState from) {
    return from.copy();
  }

  @Override
  public UserState copy(UserState from, UserState reuse) {
    return from.copy();
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(UserState u, DataOutputView out) throws IOException {
    out.writeLong(u.openSignInMs);
    out.writeLong(u.timerAtMs);
    StateFormat.writeLongs(out, u.seenIds);
    StateFormat.writeLongs(out, u.slots);
    StateFormat.writeEvents(out, u.pending);
  }

  /**
   * @throws IOException when reading fails or a length is negative (not this format)
   */
  @Override
  public UserState deserialize(DataInputView in) throws IOException {
    UserState u = new UserState();
    u.openSignInMs = in.readLong();
    u.timerAtMs = in.readLong();
    long[] ids = StateFormat.readLongs(in, 3, "UserState", "seen-id longs");
    if (ids.length > 0) {
      u.seenIds = ids;
    }
    long[] slots = StateFormat.readLongs(in, 1, "UserState", "slots");
    if (slots.length > 0) {
      u.slots = slots;
    }
    Event[] pending = StateFormat.readEvents(in, "UserState", "pending events");
    if (pending != null) {
      u.pending = pending;
    }
    return u;
  }

  @Override
  public UserState deserialize(UserState reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView in, DataOutputView out) throws IOException {
    serialize(deserialize(in), out);
  }

  @Override
  public TypeSerializerSnapshot<UserState> snapshotConfiguration() {
    return new UserStateSerializerSnapshot();
  }

  /** Restores {@link UserStateSerializer} from checkpoints and savepoints (format version 1). */
  public static final class UserStateSerializerSnapshot
      extends SimpleTypeSerializerSnapshot<UserState> {
    /** Used by Flink when it reads a snapshot. */
    public UserStateSerializerSnapshot() {
      super(() -> INSTANCE);
    }
  }
}
