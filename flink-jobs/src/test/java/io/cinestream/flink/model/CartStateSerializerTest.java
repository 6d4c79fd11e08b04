package io.cinestream.flink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class CartStateSerializerTest {

  private static final String CART = "0000000a-0000-4000-8000-000000000000";
  private static final String A = "00000000-0000-4000-8000-000000000001";

  private static byte[] write(CartState c) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    CartStateSerializer.INSTANCE.serialize(c, out);
    return out.getCopyOfBuffer();
  }

  private static CartState sample() {
    CartState c = new CartState();
    Event add = Event.addedToCart(A, 60_000L, 9, CART, "B00X");
    c.seenIds = new long[] {add.idHi(), add.idLo(), 90_000_000L};
    c.addAdd(add);
    c.addCheckout(120_000L);
    c.timerAtMs = 90_000_000L;
    return c;
  }

  @Test
  void roundTripsEveryFieldAndCopiesShareNothingMutable() throws IOException {
    CartState c = sample();
    CartState back = CartStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(write(c)));
    assertThat(back).isEqualTo(c);
    assertThat(back.adds).containsExactly(Event.addedToCart(A, 60_000L, 9, CART, "B00X"));
    // timer 8 + id count 4 + 3 longs 24 + checkout count 4 + 1 time 8 + add count 4 + the add
    assertThat(write(c)).hasSize(8 + 4 + 24 + 4 + 8 + 4 + eventBytes(c.adds[0]));
    assertThat(write(new CartState())).hasSize(8 + 4 + 4 + 4);
    CartState copy = CartStateSerializer.INSTANCE.copy(c);
    c.seenIds[2] = 1L;
    c.checkoutsMs[0] = 1L;
    c.addAdd(c.adds[0]);
    assertThat(copy).isEqualTo(sample());
    assertThat(
            CartStateSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(write(new CartState()))))
        .isEqualTo(new CartState());
  }

  private static int eventBytes(Event e) throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(64);
    EventSerializer.INSTANCE.serialize(e, out);
    return out.length();
  }

  @Test
  void dropsAddsAfterTheLookbackAndCheckoutsTheWatermarkPassed() {
    CartState c = sample();
    c.addCheckout(300_000L);
    assertThat(c.nextDropMs(1_000L)).isEqualTo(61_000L);
    c.dropUpTo(120_000L, 1_000L);
    assertThat(c.adds).isEmpty();
    assertThat(c.checkoutsMs).containsExactly(300_000L);
    assertThat(c.nextDropMs(1_000L)).isEqualTo(300_000L);
  }

  @Test
  void rejectsACorruptCheckoutCount() throws IOException {
    DataOutputSerializer out = new DataOutputSerializer(32);
    out.writeLong(UserState.NONE);
    out.writeInt(0);
    out.writeInt(-1);
    assertThatThrownBy(
            () ->
                CartStateSerializer.INSTANCE.deserialize(
                    new DataInputDeserializer(out.getCopyOfBuffer())))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("corrupt CartState: -1 checkout times");
  }
}
