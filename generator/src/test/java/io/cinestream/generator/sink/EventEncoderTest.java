package io.cinestream.generator.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.events.PaymentMethod;
import io.cinestream.events.PreferredLanguage;
import io.cinestream.events.SignIn;
import io.cinestream.events.SignOut;
import io.cinestream.generator.event.AddedToCartEvent;
import io.cinestream.generator.event.CheckoutEvent;
import io.cinestream.generator.event.ItemRatingEvent;
import io.cinestream.generator.event.ItemViewEvent;
import io.cinestream.generator.event.RegistrationEvent;
import io.cinestream.generator.event.SignInEvent;
import io.cinestream.generator.event.SignOutEvent;
import io.cinestream.generator.event.SimEvent;
import io.cinestream.schemas.serde.ConfluentAvroSerializer;
import io.cinestream.schemas.serde.InMemorySchemaRegistryClient;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventEncoderTest {

  private static final String[] TEXTS = {
    "", "ean:0012345678905", "****@gmail.com", "isbn:0-306-40615-2", "Amélie", "日本語", "a\u0000b"
  };

  /** Values across the whole range of each field, not only the simulation's: zig-zag edges too. */
  private static List<SimEvent> randomEvents(SplittableRandom r, int perType) {
    List<SimEvent> events = new ArrayList<>();
    long[] times = {0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE, 1_767_225_600_000L, 63L, 64L};
    int[] ints = {0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE, 63, 64, -64, -65, 1_000_000};
    for (int i = 0; i < perType; i++) {
      UUID id = new UUID(r.nextLong(), r.nextLong());
      UUID cart = new UUID(r.nextLong(), r.nextLong());
      long t = i < times.length ? times[i] : r.nextLong();
      int n = i < ints.length ? ints[i] : r.nextInt();
      String text = i < TEXTS.length ? TEXTS[i] : "item:" + r.nextLong();
      events.add(
          new RegistrationEvent(
              id, t, n, r.nextInt(18, 96), text, PreferredLanguage.values()[i % 3]));
      events.add(new SignInEvent(id, t, n));
      events.add(new SignOutEvent(id, t, n));
      events.add(new ItemViewEvent(id, t, n, text));
      events.add(new AddedToCartEvent(id, t, n, text, cart));
      events.add(new CheckoutEvent(id, t, n, cart, PaymentMethod.values()[i % 2]));
      events.add(new ItemRatingEvent(id, t, n, text, ints[i % ints.length]));
    }
    return events;
  }

  @Test
  void writesTheBytesOfTheAvroSerializerForEveryEventType() {
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    // The reference: Avro's SpecificDatumWriter through our Confluent serializer, on toAvro().
    ConfluentAvroSerializer reference = new ConfluentAvroSerializer(registry);
    EventEncoder encoder = new EventEncoder(registry);
    List<SimEvent> events = randomEvents(new SplittableRandom(11), 300);

    for (SimEvent e : events) {
      byte[] expected = reference.serialize(e.topic().topicName(), e.toAvro());
      assertThat(encoder.encode(e)).as("%s", e).isEqualTo(expected);
    }
    assertThat(events).hasSize(7 * 300);
  }

  @Test
  void headerIsTheMagicByteAndTheSchemaIdOfTheTopicsValueSubject() {
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    EventEncoder encoder = new EventEncoder(registry);
    UUID id = new UUID(1, 2);
    byte[] first = encoder.encode(new SignInEvent(id, 5, 7));
    byte[] second = encoder.encode(new SignOutEvent(id, 5, 7));
    byte[] third = encoder.encode(new SignInEvent(id, 5, 7));

    int signInId = registry.register("sign_in-value", SignIn.getClassSchema());
    int signOutId = registry.register("sign_out-value", SignOut.getClassSchema());
    assertThat(signInId).isNotEqualTo(signOutId);
    assertThat(ByteBuffer.wrap(first, 1, 4).getInt()).isEqualTo(signInId);
    assertThat(ByteBuffer.wrap(second, 1, 4).getInt()).isEqualTo(signOutId);
    assertThat(third).isEqualTo(first);
    assertThat(first[0]).isZero();
  }
}
