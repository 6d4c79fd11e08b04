package io.cinestream.flink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class UserStateSerializerTest {

  private static final String A = "00000000-0000-4000-8000-000000000001";
  private static final String B = "00000000-0000-4000-8000-000000000002";

  private static byte[] write(UserState u) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    UserStateSerializer.INSTANCE.serialize(u, out);
    return out.getCopyOfBuffer();
  }

  private static UserState sample() {
    UserState u = new UserState();
    u.openSignInMs = 60_000L;
    u.timerAtMs = 120_000L;
    Event in = Event.signIn(A, 60_000L, 9);
    Event out = Event.signOut(B, 120_000L, 9);
    u.seenIds = new long[] {in.idHi(), in.idLo(), 90_000_000L, out.idHi(), out.idLo(), 90_000_000L};
    u.addPending(out);
    u.slots = new long[] {4L, 5L};
    return u;
  }

  @Test
  void roundTripsEveryField() throws IOException {
    UserState u = sample();
    UserState back = UserStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(write(u)));
    assertThat(back).isEqualTo(u);
    assertThat(back.pending).containsExactly(Event.signOut(B, 120_000L, 9));
    // open 8 + timer 8 + id count 4 + 6 longs 48 + slot count 4 + 2 slots 16 + event count 4
    // + one sign_out 30
    assertThat(write(u)).hasSize(122);
    UserState empty = new UserState();
    assertThat(UserStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(write(empty))))
        .isEqualTo(empty);
  }

  @Test
  void copiesShareNothingMutable() {
    UserState u = sample();
    UserState c = UserStateSerializer.INSTANCE.copy(u);
    u.seenIds[2] = 1L;
    u.slots[0] = 99L;
    u.addPending(Event.signIn(A, 180_000L, 9));
    u.openSignInMs = UserState.NONE;
    assertThat(c).isEqualTo(sample());
  }

  @Test
  void takesThePendingEventsUpToAnInstantAndKeepsTheRestInArrivalOrder() {
    UserState u = new UserState();
    Event e3 = Event.signIn(A, 3L, 1);
    Event e1 = Event.signOut(B, 1L, 1);
    Event e5 = Event.signOut(A, 5L, 1);
    u.addPending(e3);
    u.addPending(e1);
    u.addPending(e5);
    assertThat(u.nextPendingMs()).isEqualTo(1L);
    assertThat(u.takePendingUpTo(3L)).containsExactly(e3, e1);
    assertThat(u.pending).containsExactly(e5);
    assertThat(u.takePendingUpTo(4L)).isEmpty();
    assertThat(u.takePendingUpTo(5L)).containsExactly(e5);
    assertThat(u.nextPendingMs()).isEqualTo(Long.MAX_VALUE);
    assertThat(u.isEmpty()).isTrue();
  }

  @Test
  void rejectsACorruptIdCount() throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(32);
    out.writeLong(UserState.NONE);
    out.writeLong(UserState.NONE);
    out.writeInt(4); // not a multiple of 3
    assertThatThrownBy(
            () ->
                UserStateSerializer.INSTANCE.deserialize(
                    new DataInputDeserializer(out.getCopyOfBuffer())))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("4 seen-id longs");
  }
}
