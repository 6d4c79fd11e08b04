package io.cinestream.flink.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.events.SignIn;
import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.Event;
import io.cinestream.schemas.serde.ConfluentAvroCodec;
import io.cinestream.schemas.serde.InMemorySchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class EventDeserializerTest {

  private static final InMemorySchemaRegistryClient REGISTRY = new InMemorySchemaRegistryClient();

  private static List<Either<DeadLetter, Event>> decode(String topic, long offset, byte[] value)
      throws Exception {
    EventDeserializer deserializer = new EventDeserializer(() -> REGISTRY);
    deserializer.open(null);
    List<Either<DeadLetter, Event>> out = new ArrayList<>();
    deserializer.deserialize(
        new ConsumerRecord<>(topic, 1, offset, "7".getBytes(StandardCharsets.UTF_8), value),
        new Collector<>() {
          @Override
          public void collect(Either<DeadLetter, Event> record) {
            out.add(record);
          }

          @Override
          public void close() {}
        });
    return out;
  }

  @Test
  void decodesAConfluentWireFormatSignIn() throws Exception {
    UUID id = UUID.fromString("00000000-0000-4000-8000-000000000001");
    SignIn signIn =
        SignIn.newBuilder()
            .setEventId(id)
            .setTimestamp(Instant.parse("2024-01-01T12:00:30Z"))
            .setUserId(7)
            .build();
    byte[] payload = new ConfluentAvroCodec(REGISTRY).serialize("sign_in-value", signIn);

    assertThat(decode("sign_in", 5, payload))
        .containsExactly(
            Either.Right(
                Event.signIn(
                    id.toString(), Instant.parse("2024-01-01T12:00:30Z").toEpochMilli(), 7)));
  }

  @Test
  void turnsABadPayloadIntoADeadLetterWithCoordinatesAndRawBytes() throws Exception {
    List<Either<DeadLetter, Event>> out = decode("sign_in", 9, new byte[] {1, 2, 3});

    assertThat(out).hasSize(1);
    DeadLetter dead = out.get(0).left();
    assertThat(dead.topic()).isEqualTo("sign_in");
    assertThat(dead.partition()).isEqualTo(1);
    assertThat(dead.offset()).isEqualTo(9);
    assertThat(dead.key()).isEqualTo("7");
    assertThat(dead.rawValueBase64()).isEqualTo("AQID");
    assertThat(dead.error()).contains("TRUNCATED");
  }
}
