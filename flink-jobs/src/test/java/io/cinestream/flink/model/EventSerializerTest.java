package io.cinestream.flink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class EventSerializerTest {

  private static final String ID = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0ff";
  private static final String CART = "ffffffff-0000-4000-8000-000000000001";

  private static final List<Event> EVENTS =
      List.of(
          Event.registration(ID, 1_704_067_200_000L, 1_000_000),
          Event.signIn(ID, -5L, 1),
          Event.signOut(ID, Long.MAX_VALUE, 7),
          Event.addedToCart(ID, 12L, 3, CART, "ean:0000000000001"),
          Event.checkout(ID, 13L, 3, CART),
          Event.watermarkTick("sign_out", 99L));

  private static byte[] write(Event e) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    EventSerializer.INSTANCE.serialize(e, out);
    return out.getCopyOfBuffer();
  }

  @Test
  void flinkPicksTheCompactSerializerForEvent() {
    assertThat(TypeInformation.of(Event.class)).isEqualTo(EventTypeInfo.INSTANCE);
  }

  @Test
  void roundTripsEveryKindOfEventWithItsTextIdsIntact() throws IOException {
    for (Event e : EVENTS) {
      Event back = EventSerializer.INSTANCE.deserialize(new DataInputDeserializer(write(e)));
      assertThat(back).isEqualTo(e);
      assertThat(back.eventId()).isEqualTo(e.watermarkTick() ? null : ID);
    }
    assertThat(Event.checkout(ID, 13L, 3, CART).cartId()).isEqualTo(CART);
  }

  @Test
  void writesThirtyBytesForASignInAndNoStringForItsIds() throws IOException {
    // code 1 + flags 1 + time 8 + user 4 + id 16
    assertThat(write(Event.signIn(ID, 1L, 1))).hasSize(30);
    // + cart 16
    assertThat(write(Event.checkout(ID, 1L, 1, CART))).hasSize(46);
    // tick: no id
    assertThat(write(Event.watermarkTick("sign_in", 1L))).hasSize(14);
  }

  @Test
  void copiesAStreamOfSeveralEventsRecordByRecord() throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    for (Event e : EVENTS) {
      EventSerializer.INSTANCE.serialize(e, out);
    }
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    DataOutputSerializer copied = new DataOutputSerializer(64);
    for (int i = 0; i < EVENTS.size(); i++) {
      EventSerializer.INSTANCE.copy(in, copied);
    }
    DataInputDeserializer again = new DataInputDeserializer(copied.getCopyOfBuffer());
    for (Event e : EVENTS) {
      assertThat(EventSerializer.INSTANCE.deserialize(again)).isEqualTo(e);
    }
  }

  @Test
  void restoresFromItsSnapshotAsTheSameCompatibleSerializer() throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    TypeSerializerSnapshot.writeVersionedSnapshot(
        out, EventSerializer.INSTANCE.snapshotConfiguration());
    TypeSerializerSnapshot<Event> read =
        TypeSerializerSnapshot.readVersionedSnapshot(
            new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
    TypeSerializer<Event> restored = read.restoreSerializer();
    assertThat(restored).isEqualTo(EventSerializer.INSTANCE);
    assertThat(
            EventSerializer.INSTANCE
                .snapshotConfiguration()
                .resolveSchemaCompatibility(read)
                .isCompatibleAsIs())
        .isTrue();
  }

  @Test
  void rejectsAnUnknownTopicCodeAndAnIdThatIsNoUuid() {
    assertThatThrownBy(
            () -> EventSerializer.INSTANCE.deserialize(new DataInputDeserializer(new byte[] {99})))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("99");
    assertThatThrownBy(() -> Event.signIn("not-a-uuid", 1L, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
