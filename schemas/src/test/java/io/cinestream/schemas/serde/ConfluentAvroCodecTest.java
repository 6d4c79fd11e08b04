package io.cinestream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinestream.events.AddedToCart;
import io.cinestream.events.CheckoutToCart;
import io.cinestream.events.ConsumerRegistration;
import io.cinestream.events.PaymentMethod;
import io.cinestream.events.PreferredLanguage;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.serde.WireFormatException.Reason;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class ConfluentAvroCodecTest {

  private static final RecordCoordinates WHERE = new RecordCoordinates("sign_in", 1, 42L);

  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  private final ConfluentAvroCodec codec = new ConfluentAvroCodec(registry);

  private static ConsumerRegistration registration() {
    return ConsumerRegistration.newBuilder()
        .setEventId(UUID.fromString("0b7e4a36-5d3e-4a43-9b36-1f2d1c7b9a01"))
        .setTimestamp(Instant.parse("2026-11-23T10:15:30.123Z"))
        .setUserId(4711)
        .setAge(34)
        .setMaskedEmail("****@example.com")
        .setPreferredLanguage(PreferredLanguage.geo)
        .build();
  }

  @Test
  void writesMagicByteThenBigEndianSchemaIdThenAvroBody() {
    registry.register("other-value", SchemaBuilder.record("Pad").fields().endRecord());
    byte[] bytes = codec.serialize(Topic.CONSUMER_REGISTRATION.subject(), registration());

    assertThat(bytes[0]).isEqualTo((byte) 0);
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(2);
    // Avro body by hand: uuid string (1-byte zigzag length 72 = 36 chars, then the text) first.
    assertThat(bytes[5]).isEqualTo((byte) 72);
    assertThat(new String(Arrays.copyOfRange(bytes, 6, 42)))
        .isEqualTo("0b7e4a36-5d3e-4a43-9b36-1f2d1c7b9a01");
  }

  @Test
  void roundTripsASpecificRecordFieldForField() {
    ConsumerRegistration original = registration();
    byte[] bytes = codec.serialize("consumer_registration-value", original);

    ConsumerRegistration back = codec.deserialize(WHERE, bytes, ConsumerRegistration.class);

    assertThat(back).isEqualTo(original);
    assertThat(back.getTimestamp()).isEqualTo(Instant.parse("2026-11-23T10:15:30.123Z"));
    assertThat(back.getEventName()).isEqualTo("consumer_registration");
  }

  @Test
  void decodesGenericallyWithTheWriterSchema() {
    CheckoutToCart checkout =
        CheckoutToCart.newBuilder()
            .setEventId(UUID.randomUUID())
            .setTimestamp(Instant.ofEpochMilli(1_700_000_000_000L))
            .setUserId(7)
            .setCartId(UUID.fromString("11111111-2222-3333-4444-555555555555"))
            .setPaymentMethod(PaymentMethod.Card)
            .build();

    GenericRecord back =
        codec.deserializeGeneric(WHERE, codec.serialize("checkout_to_cart-value", checkout));

    assertThat(back.get("user_id")).isEqualTo(7);
    assertThat(back.get("timestamp")).isEqualTo(1_700_000_000_000L);
    assertThat(back.get("cart_id").toString()).isEqualTo("11111111-2222-3333-4444-555555555555");
    assertThat(back.get("payment_method").toString()).isEqualTo("Card");
  }

  @Test
  void readsAnOlderWriterSchemaIntoTheCurrentClassByAvroResolution() {
    // v0 of added_to_cart lacked event_name: the reader fills the field's default.
    Schema v0 =
        SchemaBuilder.record("AddedToCart")
            .namespace("io.cinestream.events")
            .fields()
            .name("event_id")
            .type()
            .stringType()
            .noDefault()
            .name("timestamp")
            .type()
            .longType()
            .noDefault()
            .name("user_id")
            .type()
            .intType()
            .noDefault()
            .name("item_id")
            .type()
            .stringType()
            .noDefault()
            .name("cart_id")
            .type()
            .stringType()
            .noDefault()
            .endRecord();
    GenericRecord old = new GenericData.Record(v0);
    old.put("event_id", "0b7e4a36-5d3e-4a43-9b36-1f2d1c7b9a01");
    old.put("timestamp", 86_400_000L);
    old.put("user_id", 3);
    old.put("item_id", "ean:0096009741396");
    old.put("cart_id", "11111111-2222-3333-4444-555555555555");

    AddedToCart read =
        codec.deserialize(WHERE, codec.serialize("added_to_cart-value", old), AddedToCart.class);

    assertThat(read.getEventName()).isEqualTo("added_to_cart");
    assertThat(read.getTimestamp()).isEqualTo(Instant.parse("1970-01-02T00:00:00Z"));
    assertThat(read.getItemId()).isEqualTo("ean:0096009741396");
  }

  @Test
  void rejectsAWrongMagicByteNamingTheRecord() {
    byte[] bytes = codec.serialize("consumer_registration-value", registration());
    bytes[0] = 1;

    assertThatThrownBy(() -> codec.deserialize(WHERE, bytes, ConsumerRegistration.class))
        .isInstanceOfSatisfying(
            WireFormatException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.BAD_MAGIC_BYTE);
              assertThat(e.partition()).isEqualTo(1);
              assertThat(e.offset()).isEqualTo(42L);
            })
        .hasMessageContaining("topic sign_in partition 1 offset 42")
        .hasMessageContaining("0x01");
  }

  @Test
  void rejectsAnUnknownSchemaId() {
    byte[] bytes = {0, 0, 0, 0, 99, 2, 3};

    assertThatThrownBy(() -> codec.deserializeGeneric(WHERE, bytes))
        .isInstanceOfSatisfying(
            WireFormatException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID))
        .hasMessageContaining("schema id 99");
  }

  @Test
  void rejectsPayloadsShorterThanTheHeaderAndNull() {
    assertThatThrownBy(() -> codec.deserializeGeneric(WHERE, new byte[] {0, 0, 1}))
        .isInstanceOfSatisfying(
            WireFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED))
        .hasMessageContaining("3 bytes");
    assertThatThrownBy(() -> codec.deserializeGeneric(WHERE, null))
        .isInstanceOfSatisfying(
            WireFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
  }

  @Test
  void rejectsATruncatedAvroBody() {
    byte[] full = codec.serialize("consumer_registration-value", registration());
    byte[] cut = Arrays.copyOf(full, full.length - 3);

    assertThatThrownBy(() -> codec.deserialize(WHERE, cut, ConsumerRegistration.class))
        .isInstanceOfSatisfying(
            WireFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
  }

  @Test
  void rejectsTrailingGarbageAfterTheRecord() {
    byte[] full = codec.serialize("consumer_registration-value", registration());
    byte[] longer = Arrays.copyOf(full, full.length + 2);

    assertThatThrownBy(() -> codec.deserialize(WHERE, longer, ConsumerRegistration.class))
        .isInstanceOfSatisfying(
            WireFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_AVRO))
        .hasMessageContaining("trailing bytes");
  }

  @Test
  void aRecordThatFailsHalfWayLeavesNothingBehindForTheNextOne() {
    byte[] before = codec.serialize("consumer_registration-value", registration());
    Schema twoStrings =
        SchemaBuilder.record("Two").fields().requiredString("a").requiredString("b").endRecord();
    GenericRecord half = new GenericData.Record(twoStrings);
    half.put("a", "written before the failure");
    // b is required and left null: the encoder has already buffered a when it fails.
    assertThatThrownBy(() -> codec.serialize("two-value", half))
        .isInstanceOf(RuntimeException.class);

    byte[] after = codec.serialize("consumer_registration-value", registration());

    assertThat(after).isEqualTo(before);
  }

  @Test
  void registersEachSchemaOncePerSubjectAndSharesIdsAcrossSubjects() {
    int a = registry.register("a-value", ConsumerRegistration.getClassSchema());
    int b = registry.register("b-value", ConsumerRegistration.getClassSchema());
    int c = registry.register("c-value", AddedToCart.getClassSchema());

    assertThat(a).isEqualTo(b).isEqualTo(1);
    assertThat(c).isEqualTo(2);
  }
}
