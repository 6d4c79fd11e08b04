package io.cinestream.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cinestream.events.SignIn;
import io.cinestream.generator.MalformedRecords.Kind;
import io.cinestream.generator.event.SignInEvent;
import io.cinestream.schemas.serde.ConfluentAvroCodec;
import io.cinestream.schemas.serde.InMemorySchemaRegistryClient;
import io.cinestream.schemas.serde.RecordCoordinates;
import io.cinestream.schemas.serde.WireFormatException;
import io.cinestream.schemas.serde.WireFormatException.Reason;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MalformedRecordsTest {

  @Test
  void everyKindIsRejectedByOurDecoderWithItsOwnReason() {
    ConfluentAvroCodec codec = new ConfluentAvroCodec(new InMemorySchemaRegistryClient());
    byte[] valid =
        codec.serialize(
            "sign_in-value", new SignInEvent(new UUID(1, 2), 1_767_571_200_000L, 17).toAvro());
    Map<Kind, Reason> expected =
        Map.of(
            Kind.WRONG_MAGIC_BYTE, Reason.BAD_MAGIC_BYTE,
            Kind.UNKNOWN_SCHEMA_ID, Reason.UNKNOWN_SCHEMA_ID,
            Kind.TRUNCATED_AVRO, Reason.TRUNCATED);
    Map<Kind, Integer> seen = new EnumMap<>(Kind.class);
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 300; i++) {
      MalformedRecords.Malformed m = MalformedRecords.corrupt(valid, random);
      WireFormatException e =
          catchThrowableOfType(
              WireFormatException.class,
              () ->
                  codec.deserialize(RecordCoordinates.unknown("sign_in"), m.bytes(), SignIn.class));
      assertThat(e).as("%s must not decode", m.kind()).isNotNull();
      assertThat(e.reason()).isEqualTo(expected.get(m.kind()));
      seen.merge(m.kind(), 1, Integer::sum);
    }
    assertThat(seen).containsOnlyKeys(Kind.values());
  }
}
