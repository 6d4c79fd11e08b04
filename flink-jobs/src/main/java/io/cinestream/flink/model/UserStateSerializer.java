package io.cinestream.flink.model;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The state format of {@link UserState}: open sign_in (8 bytes), timer (8), the number of seen id
 * longs (4) and the longs, the number of pending events (4) and each in {@link EventSerializer}'s
 * format. No reflection, no Kryo.
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
    out.writeInt(u.seenIds.length);
    for (long v : u.seenIds) {
      out.writeLong(v);
    }
    out.writeInt(u.slots.length);
    for (long v : u.slots) {
      out.writeLong(v);
    }
    out.writeInt(u.pending.length);
    for (Event e : u.pending) {
      EventSerializer.INSTANCE.serialize(e, out);
    }
  }

  /**
   * @throws IOException when reading fails or a length is negative (not this format)
   */
  @Override
  public UserState deserialize(DataInputView in) throws IOException {
    UserState u = new UserState();
    u.openSignInMs = in.readLong();
    u.timerAtMs = in.readLong();
    int ids = in.readInt();
    if (ids < 0 || ids % 3 != 0) {
      throw new IOException("corrupt UserState: " + ids + " seen-id longs");
    }
    if (ids > 0) {
      u.seenIds = new long[ids];
      for (int i = 0; i < ids; i++) {
        u.seenIds[i] = in.readLong();
      }
    }
    int slots = in.readInt();
    if (slots < 0) {
      throw new IOException("corrupt UserState: " + slots + " slots");
    }
    if (slots > 0) {
      u.slots = new long[slots];
      for (int i = 0; i < slots; i++) {
        u.slots[i] = in.readLong();
      }
    }
    int events = in.readInt();
    if (events < 0) {
      throw new IOException("corrupt UserState: " + events + " pending events");
    }
    if (events > 0) {
      u.pending = new Event[events];
      for (int i = 0; i < events; i++) {
        u.pending[i] = EventSerializer.INSTANCE.deserialize(in);
      }
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
