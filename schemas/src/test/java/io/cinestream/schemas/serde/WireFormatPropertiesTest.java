package io.cinestream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.cinestream.events.ConsumerRegistration;
import io.cinestream.events.PreferredLanguage;
import io.cinestream.events.SignIn;
import io.cinestream.events.SignOut;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.serde.WireFormatException.Reason;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;

/**
 * Property-based tests of the Confluent wire-format decoder: for any byte array the result is
 * either the record that was encoded or a {@link WireFormatException} whose reason follows from the
 * bytes (header rules from the Confluent documentation, "Wire format"; the rest from Avro's binary
 * encoding) - never another exception type, never a hang.
 */
class WireFormatPropertiesTest {

  private static final RecordCoordinates WHERE =
      new RecordCoordinates("consumer_registration", 0, 7);

  /** Generous bound for one decode; a hang would otherwise stall the whole suite. */
  private static final Duration NO_HANG = Duration.ofSeconds(10);

  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  private final ConfluentAvroCodec codec = new ConfluentAvroCodec(registry);

  /** Schema ids known to the registry: ConsumerRegistration = 1, SignIn = 2, SignOut = 3. */
  private final int registrationId =
      registry.register(
          Topic.CONSUMER_REGISTRATION.subject(), ConsumerRegistration.getClassSchema());

  private final int signInId = registry.register(Topic.SIGN_IN.subject(), SignIn.getClassSchema());
  private final int signOutId =
      registry.register(Topic.SIGN_OUT.subject(), SignOut.getClassSchema());

  @Property(tries = 500)
  void anEncodedRecordDecodesToAnEqualRecord(@ForAll("registrations") ConsumerRegistration event) {
    byte[] bytes = codec.serialize(Topic.CONSUMER_REGISTRATION.subject(), event);

    assertThat(bytes[0]).isZero();
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(registrationId);
    assertThat(codec.deserialize(WHERE, bytes, ConsumerRegistration.class)).isEqualTo(event);
    // The same bytes through the Kafka Deserializer, which picks the class by topic.
    ConfluentAvroDeserializer deserializer = new ConfluentAvroDeserializer(registry);
    assertThat(deserializer.deserialize("consumer_registration", bytes)).isEqualTo(event);
  }

  @Property(tries = 600)
  void anyBytesDecodeOrFailWithTheReasonTheBytesCallFor(@ForAll("payloads") byte[] payload) {
    Throwable thrown =
        assertTimeoutPreemptively(
            NO_HANG, () -> catchThrowable(() -> codec.deserialize(WHERE, payload, SignIn.class)));

    if (thrown == null) {
      // Only possible with a valid header naming SignIn's own schema and a body that is a SignIn.
      assertThat(ConfluentAvroCodec.schemaId(WHERE, payload)).isEqualTo(signInId);
      return;
    }
    assertThat(thrown).isExactlyInstanceOf(WireFormatException.class);
    WireFormatException e = (WireFormatException) thrown;
    assertThat(e.where()).isEqualTo(WHERE);
    assertThat(e.getMessage()).startsWith(WHERE + ": " + e.reason() + ": ");
    assertThat(e.reason()).isIn(expectedReasons(payload));
  }

  @Property(tries = 300)
  void everyStrictPrefixOfAValidPayloadIsTruncated(
      @ForAll("registrations") ConsumerRegistration event,
      @ForAll @IntRange(max = 10_000) int cut) {
    byte[] bytes = codec.serialize(Topic.CONSUMER_REGISTRATION.subject(), event);
    byte[] prefix = Arrays.copyOf(bytes, cut % bytes.length);

    assertThatThrownBy(() -> codec.deserialize(WHERE, prefix, ConsumerRegistration.class))
        .isExactlyInstanceOf(WireFormatException.class)
        .extracting(e -> ((WireFormatException) e).reason())
        .isEqualTo(Reason.TRUNCATED);
  }

  @Property(tries = 200)
  void aWrongMagicByteIsBadMagicByteWhateverFollows(
      @ForAll("registrations") ConsumerRegistration event, @ForAll byte magic) {
    byte[] bytes = codec.serialize(Topic.CONSUMER_REGISTRATION.subject(), event);
    bytes[0] = magic == 0 ? 1 : magic;

    WireFormatException e = decodeFailure(bytes, ConsumerRegistration.class);
    assertThat(e.reason()).isEqualTo(Reason.BAD_MAGIC_BYTE);
    assertThat(e.getMessage()).contains(String.format("0x%02x", bytes[0] & 0xff));
  }

  @Property(tries = 200)
  void anIdTheRegistryDoesNotKnowIsUnknownSchemaId(
      @ForAll("registrations") ConsumerRegistration event, @ForAll int id) {
    int unknown = Set.of(registrationId, signInId, signOutId).contains(id) ? -id - 1 : id;
    byte[] bytes = codec.serialize(Topic.CONSUMER_REGISTRATION.subject(), event);
    ByteBuffer.wrap(bytes, 1, 4).putInt(unknown);

    WireFormatException e = decodeFailure(bytes, ConsumerRegistration.class);
    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
    assertThat(e.getMessage()).contains("schema id " + unknown);
  }

  @Property(tries = 200)
  void bytesAfterTheRecordAreBadAvro(
      @ForAll("registrations") ConsumerRegistration event,
      @ForAll @Size(min = 1, max = 20) byte[] extra) {
    byte[] bytes = codec.serialize(Topic.CONSUMER_REGISTRATION.subject(), event);
    byte[] longer = Arrays.copyOf(bytes, bytes.length + extra.length);
    System.arraycopy(extra, 0, longer, bytes.length, extra.length);

    WireFormatException e = decodeFailure(longer, ConsumerRegistration.class);
    assertThat(e.reason()).isEqualTo(Reason.BAD_AVRO);
    assertThat(e.getMessage()).contains("trailing bytes");
  }

  @Property(tries = 200)
  void anotherTopicsSchemaIdIsIncompatibleNotAWrongRecord(@ForAll("signIns") SignIn event) {
    // A producer that wrote a SignIn where SignOut was expected (a registered but wrong id).
    byte[] bytes = codec.serialize(Topic.SIGN_IN.subject(), event);

    WireFormatException e = decodeFailure(bytes, SignOut.class);
    assertThat(e.reason()).isEqualTo(Reason.INCOMPATIBLE_SCHEMA);
    assertThat(e.getMessage()).contains("schema id " + signInId);
  }

  @Example
  void aBodyClaimingAHugeStringFailsWithoutAllocatingIt() {
    // The first field (event_id) is a string: its zig-zag varint length claims 2^30 bytes and then
    // 2^40 bytes, the payload has 3. Neither may allocate the claimed size or hang: both are over
    // AvroDecodingLimits.MAX_STRING_BYTES and refused as TOO_LARGE before any allocation.
    for (long claimed : new long[] {1L << 30, 1L << 40}) {
      byte[] cut = Arrays.copyOf(claimingString(claimed), lengthPrefixedEnd(claimed) + 3);

      WireFormatException e =
          assertTimeoutPreemptively(NO_HANG, () -> decodeFailure(cut, SignIn.class));
      assertThat(e.reason()).as("claimed %d bytes", claimed).isEqualTo(Reason.TOO_LARGE);
    }
  }

  @Example
  void theTenByteLengthBombIsTooLargeNotAnOutOfMemoryError() {
    // The hostile record of the hardening issue: a 10-byte sign_in (header + a 5-byte varint)
    // whose event_id string says 2^31-16 bytes. Without the limits Avro allocates 2 GiB for it.
    long claimed = (1L << 31) - 16;
    byte[] bomb = Arrays.copyOf(claimingString(claimed), lengthPrefixedEnd(claimed));
    assertThat(bomb).hasSize(10);

    WireFormatException e = decodeFailure(bomb, SignIn.class);
    assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
    assertThat(e.getMessage())
        .contains("10-byte payload")
        .contains(Long.toString(claimed))
        .contains(Integer.toString(AvroDecodingLimits.MAX_STRING_BYTES));
  }

  @Example
  void aStringAtTheLimitIsStillRead() {
    // The limit refuses lengths beyond it, not records near it: a string of exactly
    // MAX_STRING_BYTES decodes.
    Schema blob =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Blob\",\"namespace\":\"test\","
                    + "\"fields\":[{\"name\":\"s\",\"type\":\"string\"}]}");
    GenericRecord record = new GenericData.Record(blob);
    record.put("s", "x".repeat(AvroDecodingLimits.MAX_STRING_BYTES));
    byte[] bytes = codec.serialize("blob-value", record);

    GenericRecord back = codec.deserializeGeneric(WHERE, bytes);
    assertThat(back.get("s").toString()).hasSize(AvroDecodingLimits.MAX_STRING_BYTES);
  }

  /**
   * A sign_in payload (header with its schema id) whose first string claims {@code claimed} bytes.
   */
  private byte[] claimingString(long claimed) {
    byte[] payload = new byte[ConfluentAvroCodec.HEADER_LENGTH + 16];
    ByteBuffer.wrap(payload).put((byte) 0).putInt(signInId);
    int n = ConfluentAvroCodec.HEADER_LENGTH;
    long zigzag = claimed << 1;
    while ((zigzag & ~0x7FL) != 0) {
      payload[n++] = (byte) ((zigzag & 0x7F) | 0x80);
      zigzag >>>= 7;
    }
    payload[n] = (byte) zigzag;
    return payload;
  }

  /** The payload length up to the end of {@link #claimingString}'s varint. */
  private static int lengthPrefixedEnd(long claimed) {
    int n = ConfluentAvroCodec.HEADER_LENGTH + 1;
    for (long zigzag = claimed << 1; (zigzag & ~0x7FL) != 0; zigzag >>>= 7) {
      n++;
    }
    return n;
  }

  private <T extends SpecificRecord> WireFormatException decodeFailure(
      byte[] bytes, Class<T> type) {
    Throwable thrown = catchThrowable(() -> codec.deserialize(WHERE, bytes, type));
    assertThat(thrown).isExactlyInstanceOf(WireFormatException.class);
    return (WireFormatException) thrown;
  }

  /**
   * The reasons a payload may legitimately fail with, decided from the header alone (an independent
   * reading of the wire-format rules, not the codec's code).
   */
  private Set<Reason> expectedReasons(byte[] payload) {
    if (payload.length < ConfluentAvroCodec.HEADER_LENGTH) {
      return EnumSet.of(Reason.TRUNCATED);
    }
    if (payload[0] != 0) {
      return EnumSet.of(Reason.BAD_MAGIC_BYTE);
    }
    int id =
        ((payload[1] & 0xff) << 24)
            | ((payload[2] & 0xff) << 16)
            | ((payload[3] & 0xff) << 8)
            | (payload[4] & 0xff);
    if (id == signInId) {
      // Right schema, random body: cut short, not Avro, bytes left over, or a random string
      // length over the decoding limits.
      return EnumSet.of(Reason.TRUNCATED, Reason.BAD_AVRO, Reason.TOO_LARGE);
    }
    if (id == registrationId || id == signOutId) {
      return EnumSet.of(Reason.INCOMPATIBLE_SCHEMA);
    }
    return EnumSet.of(Reason.UNKNOWN_SCHEMA_ID);
  }

  /**
   * Payloads that reach every branch: random bytes of any length (mostly a wrong magic byte), and a
   * magic byte 0 with a known or unknown schema id followed by random bytes or a valid SignIn body.
   */
  @Provide
  Arbitrary<byte[]> payloads() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    Arbitrary<Integer> ids =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.of(signInId, registrationId, signOutId)),
            Tuple.of(1, Arbitraries.integers()));
    Arbitrary<byte[]> bodies =
        Arbitraries.oneOf(
            Arbitraries.bytes().array(byte[].class).ofMaxSize(80),
            signIns().map(e -> body(codec.serialize(Topic.SIGN_IN.subject(), e))));
    Arbitrary<byte[]> framed =
        Combinators.combine(ids, bodies)
            .as(
                (id, body) -> {
                  byte[] p = new byte[ConfluentAvroCodec.HEADER_LENGTH + body.length];
                  ByteBuffer.wrap(p).put((byte) 0).putInt(id).put(body);
                  return p;
                });
    return Arbitraries.oneOf(random, framed);
  }

  private static byte[] body(byte[] payload) {
    return Arrays.copyOfRange(payload, ConfluentAvroCodec.HEADER_LENGTH, payload.length);
  }

  @Provide
  Arbitrary<ConsumerRegistration> registrations() {
    return Combinators.combine(
            uuids(),
            Arbitraries.longs().between(-62_135_596_800_000L, 253_402_300_799_999L),
            Arbitraries.integers(),
            Arbitraries.integers(),
            text(),
            Arbitraries.of(PreferredLanguage.class))
        .as(
            (id, millis, user, age, email, language) ->
                ConsumerRegistration.newBuilder()
                    .setEventId(id)
                    .setTimestamp(Instant.ofEpochMilli(millis))
                    .setUserId(user)
                    .setAge(age)
                    .setMaskedEmail(email)
                    .setPreferredLanguage(language)
                    .build());
  }

  @Provide
  Arbitrary<SignIn> signIns() {
    return Combinators.combine(uuids(), Arbitraries.longs(), Arbitraries.integers())
        .as(
            (id, millis, user) ->
                SignIn.newBuilder()
                    .setEventId(id)
                    .setTimestamp(Instant.ofEpochMilli(millis))
                    .setUserId(user)
                    .build());
  }

  private static Arbitrary<UUID> uuids() {
    return Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(UUID::new);
  }

  /** Any text without lone surrogates (UTF-8, Avro's string encoding, cannot carry those). */
  private static Arbitrary<String> text() {
    return Arbitraries.strings()
        .withCharRange('\u0000', '\ud7ff')
        .withCharRange('\ue000', '\uffff')
        .ofMaxLength(40);
  }
}
