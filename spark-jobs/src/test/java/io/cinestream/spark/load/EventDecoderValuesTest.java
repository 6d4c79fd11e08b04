package io.cinestream.spark.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.events.SignIn;
import io.cinestream.schemas.serde.ConfluentAvroCodec;
import io.cinestream.schemas.serde.InMemorySchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The loader's value checks: an event whose value PostgreSQL could not store, or that is out of the
 * design's ranges, becomes a dead letter with the same reason text as Flink's, instead of a row
 * that fails the COPY and stops the loader (a year-10000 event was rejected by PostgreSQL on every
 * replay of its micro-batch).
 */
class EventDecoderValuesTest {

  private final ConfluentAvroCodec codec =
      new ConfluentAvroCodec(new InMemorySchemaRegistryClient());
  private final EventDecoder decoder = new EventDecoder(codec);

  private Row decodeSignIn(String at, int userId) {
    SignIn event =
        SignIn.newBuilder()
            .setEventId(UUID.fromString("00000000-0000-4000-8000-000000000002"))
            .setTimestamp(Instant.parse(at))
            .setUserId(userId)
            .build();
    byte[] payload = codec.serialize("sign_in-value", event);
    return decoder.decode("sign_in", 1, 12L, "7".getBytes(StandardCharsets.UTF_8), payload);
  }

  @Test
  void aYear10000EventIsADeadLetterNotARowPostgresRejects() {
    Row row = decodeSignIn("+10000-01-01T00:00:00Z", 7);

    assertThat(row.getString(0)).isEqualTo(DecodedEvents.DEAD_LETTER);
    assertThat(row.getString(15)).isEqualTo("7");
    assertThat(row.getString(17))
        .isEqualTo(
            "INVALID_VALUE: topic sign_in partition 1 offset 12: event time"
                + " +10000-01-01T00:00:00Z outside 2000-01-01T00:00:00Z..9999-12-31T23:59:59.999Z");
  }

  @Test
  void aUserIdOutOfRangeIsADeadLetter() {
    Row row = decodeSignIn("2026-01-05T09:00:00Z", 1_000_001);

    assertThat(row.getString(0)).isEqualTo(DecodedEvents.DEAD_LETTER);
    assertThat(row.getString(17)).endsWith("user_id 1000001 outside 1..1000000");
  }

  @Test
  void anEventInRangeIsARowOfItsTable() {
    // The range's last instant, read by a decoder whose wall clock is there too (the default
    // decoder refuses it as ahead of the wall clock: aFarFutureEventIsADeadLetter...).
    EventDecoder atTheEnd =
        new EventDecoder(
            codec,
            Clock.fixed(Instant.parse("9999-12-31T23:59:59.999Z"), ZoneOffset.UTC),
            Duration.ZERO);
    SignIn last =
        SignIn.newBuilder()
            .setEventId(UUID.fromString("00000000-0000-4000-8000-000000000002"))
            .setTimestamp(Instant.parse("9999-12-31T23:59:59.999Z"))
            .setUserId(1_000_000)
            .build();
    Row row =
        atTheEnd.decode(
            "sign_in",
            1,
            12L,
            "7".getBytes(StandardCharsets.UTF_8),
            codec.serialize("sign_in-value", last));

    assertThat(row.getString(0)).isEqualTo("consumer_events");
    assertThat(row.getLong(4)).isEqualTo(Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli());
  }

  // The same hostile inputs and expected texts as flink-jobs' EventDeserializerTest
  // (sameDeadLetterTextsAsTheLoader...): both engines write the same dead_letter_events row.

  private static final Instant NOW = Instant.parse("2026-12-04T20:00:00Z");

  @Test
  void aFarFutureEventIsADeadLetterWithTheFlinkJobsText() {
    EventDecoder atNow =
        new EventDecoder(codec, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(2));
    SignIn future =
        SignIn.newBuilder()
            .setEventId(UUID.fromString("00000000-0000-4000-8000-000000000003"))
            .setTimestamp(Instant.parse("2027-01-01T00:00:00Z"))
            .setUserId(7)
            .build();
    Row row =
        atNow.decode(
            "sign_in",
            1,
            14L,
            "7".getBytes(StandardCharsets.UTF_8),
            codec.serialize("sign_in-value", future));

    assertThat(row.getString(0)).isEqualTo(DecodedEvents.DEAD_LETTER);
    assertThat(row.getString(17))
        .isEqualTo(
            "INVALID_VALUE: topic sign_in partition 1 offset 14: event time 2027-01-01T00:00:00Z"
                + " more than PT2M ahead of the wall clock 2026-12-04T20:00:00Z");
  }

  @Test
  void theDefaultDecoderRefusesTheLastInstantOfTheRangeAsAheadOfTheWallClock() {
    Row row = decodeSignIn("9999-12-31T23:59:59.999Z", 1_000_000);

    assertThat(row.getString(0)).isEqualTo(DecodedEvents.DEAD_LETTER);
    assertThat(row.getString(17)).contains("more than PT2M ahead of the wall clock");
  }

  /** A wall clock that cannot be read: an unexpected exception in the middle of decoding. */
  static final class UnreadableClock extends Clock {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      throw new IllegalStateException("no wall clock");
    }
  }

  @Test
  void anUnexpectedDecodingFailureIsADeadLetterWithTheFlinkJobsCatchAllText() {
    EventDecoder broken = new EventDecoder(codec, new UnreadableClock(), Duration.ZERO);
    SignIn event =
        SignIn.newBuilder()
            .setEventId(UUID.fromString("00000000-0000-4000-8000-000000000006"))
            .setTimestamp(Instant.parse("2024-01-01T12:00:00Z"))
            .setUserId(7)
            .build();
    Row row =
        broken.decode(
            "sign_in",
            1,
            17L,
            "7".getBytes(StandardCharsets.UTF_8),
            codec.serialize("sign_in-value", event));

    assertThat(row.getString(0)).isEqualTo(DecodedEvents.DEAD_LETTER);
    assertThat(row.getString(17))
        .isEqualTo(
            "DECODE_FAILED: topic sign_in partition 1 offset 17:"
                + " java.lang.IllegalStateException: no wall clock");
  }

  @Test
  void aBadMagicByteWithANulKeyHasTheFlinkJobsKeyAndText() {
    Row row =
        decoder.decode("sign_in", 1, 15L, new byte[] {0x37, 0x00}, new byte[] {1, 0, 0, 0, 1});

    assertThat(row.getString(15)).isEqualTo("base64:NwA=");
    assertThat(row.getString(16)).isEqualTo("AQAAAAE=");
    assertThat(row.getString(17))
        .isEqualTo(
            "BAD_MAGIC_BYTE: topic sign_in partition 1 offset 15: magic byte 0x01, expected 0x00");
  }

  @Test
  void theTenByteLengthBombIsATooLargeDeadLetter() {
    // Issue 23 item 1, the same record as flink-jobs' EventDeserializerTest: a sign_in whose
    // event_id claims 2^31-16 bytes (varint e0 ff ff ff 0f).
    byte[] any =
        codec.serialize(
            "sign_in-value",
            SignIn.newBuilder()
                .setEventId(UUID.fromString("00000000-0000-4000-8000-000000000005"))
                .setTimestamp(Instant.parse("2024-01-01T12:00:00Z"))
                .setUserId(7)
                .build());
    byte[] bomb = {0, any[1], any[2], any[3], any[4], (byte) 0xe0, -1, -1, -1, 0x0f};

    Row row = decoder.decode("sign_in", 1, 16L, "7".getBytes(StandardCharsets.UTF_8), bomb);

    assertThat(row.getString(0)).isEqualTo(DecodedEvents.DEAD_LETTER);
    assertThat(row.getString(17))
        .startsWith("TOO_LARGE: topic sign_in partition 1 offset 16: ")
        .contains("10-byte payload")
        .contains("2147483632");
  }
}
