package io.cinestream.flink.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.events.SignIn;
import io.cinestream.flink.JobOptions;
import io.cinestream.flink.functions.DropWatermarkTicks;
import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.Event;
import io.cinestream.schemas.TickSignature;
import io.cinestream.schemas.WatermarkTick;
import io.cinestream.schemas.serde.ConfluentAvroCodec;
import io.cinestream.schemas.serde.InMemorySchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class EventDeserializerTest {

  private static final InMemorySchemaRegistryClient REGISTRY = new InMemorySchemaRegistryClient();

  private static List<Either<DeadLetter, Event>> decode(String topic, long offset, byte[] value)
      throws Exception {
    return decode(
        new ConsumerRecord<>(topic, 1, offset, "7".getBytes(StandardCharsets.UTF_8), value));
  }

  /** A record with a Kafka timestamp and headers, as the Kafka source hands it over. */
  private static ConsumerRecord<byte[], byte[]> record(
      String topic, long offset, long timestampMs, byte[] value, RecordHeaders headers) {
    return new ConsumerRecord<>(
        topic,
        0,
        offset,
        timestampMs,
        TimestampType.CREATE_TIME,
        -1,
        value == null ? -1 : value.length,
        null,
        value,
        headers,
        Optional.empty());
  }

  static final byte[] TICK_KEY = "t".repeat(32).getBytes(StandardCharsets.US_ASCII);

  /** The tick header alone: what anyone can write. */
  private static RecordHeaders tickHeader() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(WatermarkTick.HEADER, WatermarkTick.headerValue());
    return headers;
  }

  /** The headers the pipeline's tick writer puts on a tick of partition 0 at {@code t}. */
  private static RecordHeaders signedTickHeaders(String topic, long t) {
    RecordHeaders headers = tickHeader();
    headers.add(TickSignature.HEADER, TickSignature.sign(TICK_KEY, topic, 0, t));
    return headers;
  }

  private static List<Either<DeadLetter, Event>> decode(ConsumerRecord<byte[], byte[]> record)
      throws Exception {
    return decode(new EventDeserializer(() -> REGISTRY, TICK_KEY), record);
  }

  private static List<Either<DeadLetter, Event>> decode(
      EventDeserializer deserializer, ConsumerRecord<byte[], byte[]> record) throws Exception {
    deserializer.open(null);
    List<Either<DeadLetter, Event>> out = new ArrayList<>();
    deserializer.deserialize(
        record,
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

  @Test
  void deadLettersAYear10000SignInWithTheLoadersReason() throws Exception {
    SignIn hostile =
        SignIn.newBuilder()
            .setEventId(UUID.fromString("00000000-0000-4000-8000-000000000002"))
            .setTimestamp(Instant.parse("+10000-01-01T00:00:00Z"))
            .setUserId(7)
            .build();
    byte[] payload = new ConfluentAvroCodec(REGISTRY).serialize("sign_in-value", hostile);

    List<Either<DeadLetter, Event>> out = decode("sign_in", 12, payload);

    assertThat(out).hasSize(1);
    assertThat(out.get(0).left().error())
        .isEqualTo(
            "INVALID_VALUE: topic sign_in partition 1 offset 12: event time"
                + " +10000-01-01T00:00:00Z outside 2000-01-01T00:00:00Z..9999-12-31T23:59:59.999Z");
  }

  @Test
  void aKeyWithANulByteReachesTheDeadLetterAsBase64() throws Exception {
    // PostgreSQL text cannot hold NUL: the raw key "7\0" is kept as base64 (the loader's form).
    List<Either<DeadLetter, Event>> out =
        decode(new ConsumerRecord<>("sign_in", 1, 13L, new byte[] {0x37, 0x00}, new byte[] {1}));

    assertThat(out.get(0).left().key()).isEqualTo("base64:NwA=");
  }

  @Test
  void turnsATickIntoAWatermarkOnlyElementAtItsKafkaTimestamp() throws Exception {
    long t = Instant.parse("2024-01-01T14:02:01Z").toEpochMilli();

    List<Either<DeadLetter, Event>> out =
        decode(
            record(
                "consumer_registration",
                40,
                t,
                null,
                signedTickHeaders("consumer_registration", t)));

    assertThat(out).containsExactly(Either.Right(Event.watermarkTick("consumer_registration", t)));
    assertThat(out.get(0).right().isWatermarkTick()).isTrue();
    assertThat(out.get(0).right().eventTimeMs()).isEqualTo(t);
  }

  @Test
  void deadLettersATickWithoutOrWithAWrongSignatureInsteadOfMovingAWatermark() throws Exception {
    long t = Instant.parse("2024-01-01T14:02:01Z").toEpochMilli();
    RecordHeaders forged = tickHeader();
    forged.add(
        TickSignature.HEADER,
        TickSignature.sign("f".repeat(32).getBytes(StandardCharsets.US_ASCII), "sign_in", 0, t));
    RecordHeaders replayed = signedTickHeaders("sign_in", t - 1); // signed for another time

    for (RecordHeaders headers : List.of(tickHeader(), forged, replayed)) {
      List<Either<DeadLetter, Event>> out = decode(record("sign_in", 42, t, null, headers));

      assertThat(out).hasSize(1);
      DeadLetter dead = out.get(0).left();
      assertThat(dead.topic()).isEqualTo("sign_in");
      assertThat(dead.offset()).isEqualTo(42);
      assertThat(dead.rawValueBase64()).isNull();
      assertThat(dead.error())
          .startsWith(
              "INVALID_TICK_SIGNATURE: topic sign_in partition 0 offset 42: watermark tick with");
    }
    EventDeserializer keyless = new EventDeserializer(() -> REGISTRY, null);
    keyless.open(null);
    List<Either<DeadLetter, Event>> out = new ArrayList<>();
    keyless.deserialize(
        record("sign_in", 43, t, null, signedTickHeaders("sign_in", t)),
        new org.apache.flink.util.Collector<>() {
          @Override
          public void collect(Either<DeadLetter, Event> r) {
            out.add(r);
          }

          @Override
          public void close() {}
        });
    assertThat(out).as("no key, no tick").hasSize(1);
    assertThat(out.get(0).isLeft()).isTrue();
  }

  @Test
  void deadLettersANullValueWithoutTheTickHeader() throws Exception {
    List<Either<DeadLetter, Event>> out =
        decode(record("sign_in", 41, 1_000L, null, new RecordHeaders()));

    assertThat(out).hasSize(1);
    DeadLetter dead = out.get(0).left();
    assertThat(dead.offset()).isEqualTo(41);
    assertThat(dead.key()).isNull();
    assertThat(dead.rawValueBase64()).isNull();
  }

  @Test
  void aTickMovesThePunctuatedAndThePeriodicWatermarkToTMinusTheDelayAndIsThenDropped()
      throws Exception {
    long t = Instant.parse("2024-01-01T14:02:01Z").toEpochMilli();
    long expected = t - Duration.ofMinutes(2).toMillis() - 1;
    Either<DeadLetter, Event> tick =
        decode(record("sign_in", 3, t, null, signedTickHeaders("sign_in", t))).get(0);
    JobOptions periodic = JobOptions.fromArgs(new String[] {"--idleness", "0"});
    for (JobOptions options : List.of(periodic, periodic.withPunctuatedWatermarks())) {
      WatermarkStrategy<Either<DeadLetter, Event>> strategy = EventWatermarks.forEvents(options);
      // The Kafka source passes the record timestamp as the second argument; a tick needs none.
      long timestamp = strategy.createTimestampAssigner(null).extractTimestamp(tick, -1L);
      WatermarkGenerator<Either<DeadLetter, Event>> generator =
          strategy.createWatermarkGenerator(null);
      List<Long> watermarks = new ArrayList<>();
      WatermarkOutput output =
          new WatermarkOutput() {
            @Override
            public void emitWatermark(Watermark watermark) {
              watermarks.add(watermark.getTimestamp());
            }

            @Override
            public void markIdle() {}

            @Override
            public void markActive() {}
          };
      generator.onEvent(tick, timestamp, output);
      generator.onPeriodicEmit(output);

      assertThat(timestamp).isEqualTo(t);
      assertThat(watermarks).isNotEmpty().allMatch(w -> w == expected);
    }
    DropWatermarkTicks drop = new DropWatermarkTicks();
    assertThat(drop.filter(tick.right())).isFalse();
    assertThat(drop.filter(Event.signIn("00000000-0000-4000-8000-000000000001", t, 7))).isTrue();
  }

  // The same hostile inputs and expected texts as spark-jobs' EventDecoderValuesTest: both engines
  // write the same dead_letter_events row, whichever sees the record first.

  @Test
  void deadLettersAFarFutureSignInWithTheLoadersText() throws Exception {
    EventDeserializer atNow =
        new EventDeserializer(
            () -> REGISTRY,
            TICK_KEY,
            Clock.fixed(Instant.parse("2026-12-04T20:00:00Z"), ZoneOffset.UTC),
            Duration.ofMinutes(2));
    SignIn future =
        SignIn.newBuilder()
            .setEventId(UUID.fromString("00000000-0000-4000-8000-000000000003"))
            .setTimestamp(Instant.parse("2027-01-01T00:00:00Z"))
            .setUserId(7)
            .build();
    byte[] payload = new ConfluentAvroCodec(REGISTRY).serialize("sign_in-value", future);

    List<Either<DeadLetter, Event>> out =
        decode(
            atNow,
            new ConsumerRecord<>("sign_in", 1, 14L, "7".getBytes(StandardCharsets.UTF_8), payload));

    assertThat(out.get(0).left().error())
        .isEqualTo(
            "INVALID_VALUE: topic sign_in partition 1 offset 14: event time 2027-01-01T00:00:00Z"
                + " more than PT2M ahead of the wall clock 2026-12-04T20:00:00Z");
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
  void deadLettersAnUnexpectedDecodingFailureWithTheCatchAllReasonFirst() throws Exception {
    EventDeserializer broken =
        new EventDeserializer(() -> REGISTRY, TICK_KEY, new UnreadableClock(), Duration.ZERO);
    SignIn event =
        SignIn.newBuilder()
            .setEventId(UUID.fromString("00000000-0000-4000-8000-000000000006"))
            .setTimestamp(Instant.parse("2024-01-01T12:00:00Z"))
            .setUserId(7)
            .build();
    byte[] payload = new ConfluentAvroCodec(REGISTRY).serialize("sign_in-value", event);

    DeadLetter dead =
        decode(
                broken,
                new ConsumerRecord<>(
                    "sign_in", 1, 17L, "7".getBytes(StandardCharsets.UTF_8), payload))
            .get(0)
            .left();

    // The reason column is the text before the first ':' (split_part(error, ':', 1)).
    assertThat(dead.error())
        .isEqualTo(
            "DECODE_FAILED: topic sign_in partition 1 offset 17:"
                + " java.lang.IllegalStateException: no wall clock");
  }

  @Test
  void deadLettersABadMagicByteWithANulKeyWithTheLoadersKeyAndText() throws Exception {
    DeadLetter dead =
        decode(
                new ConsumerRecord<>(
                    "sign_in", 1, 15L, new byte[] {0x37, 0x00}, new byte[] {1, 0, 0, 0, 1}))
            .get(0)
            .left();

    assertThat(dead.key()).isEqualTo("base64:NwA=");
    assertThat(dead.rawValueBase64()).isEqualTo("AQAAAAE=");
    assertThat(dead.error())
        .isEqualTo(
            "BAD_MAGIC_BYTE: topic sign_in partition 1 offset 15: magic byte 0x01, expected 0x00");
  }

  @Test
  void deadLettersTheTenByteLengthBombAsTooLarge() throws Exception {
    // Issue 23 item 1: a sign_in whose event_id claims 2^31-16 bytes (varint e0 ff ff ff 0f).
    byte[] any =
        new ConfluentAvroCodec(REGISTRY)
            .serialize(
                "sign_in-value",
                SignIn.newBuilder()
                    .setEventId(UUID.fromString("00000000-0000-4000-8000-000000000005"))
                    .setTimestamp(Instant.parse("2024-01-01T12:00:00Z"))
                    .setUserId(7)
                    .build());
    byte[] bomb = {0, any[1], any[2], any[3], any[4], (byte) 0xe0, -1, -1, -1, 0x0f};

    DeadLetter dead =
        decode(new ConsumerRecord<>("sign_in", 1, 16L, "7".getBytes(StandardCharsets.UTF_8), bomb))
            .get(0)
            .left();

    assertThat(dead.error())
        .startsWith("TOO_LARGE: topic sign_in partition 1 offset 16: ")
        .contains("10-byte payload")
        .contains("2147483632");
  }
}
