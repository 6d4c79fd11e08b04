package io.cinestream.devstack.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cinestream.events.SignIn;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.serde.CachingSchemaRegistryClient;
import io.cinestream.schemas.serde.ConfluentAvroCodec;
import io.cinestream.schemas.serde.ConfluentAvroDeserializer;
import io.cinestream.schemas.serde.ConfluentAvroSerializer;
import io.cinestream.schemas.serde.RecordCoordinates;
import io.cinestream.schemas.serde.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Schema evolution end to end through the registry (BACKWARD,
 * docs/architecture.md#topics-and-schemas) and our serde: an optional field with a default is
 * accepted and its records decode into the old generated class by Avro schema resolution; an
 * incompatible change is refused with 409 before any record is produced. The evolved schemas are
 * test resources only; the production {@code .avsc} files stay.
 */
class SchemaEvolutionTest {

  private static final String SUBJECT = Topic.SIGN_IN.subject();
  private static final RecordCoordinates WHERE = new RecordCoordinates("sign_in", 1, 99);

  private SchemaRegistryServer server;
  private CachingSchemaRegistryClient client;
  private ConfluentAvroCodec codec;
  private RegistryHttp http;

  @BeforeEach
  void start() {
    server =
        SchemaRegistryServer.start(RegistryConfig.defaults().withPort(0), new InMemorySchemaLog());
    client = new CachingSchemaRegistryClient(server.url());
    codec = new ConfluentAvroCodec(client);
    http = new RegistryHttp(server.url());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static SignIn v1Event() {
    return SignIn.newBuilder()
        .setEventId(UUID.fromString("7f9c1a52-3b4d-4e5f-8a6b-0c1d2e3f4a5b"))
        .setTimestamp(Instant.parse("2026-01-05T09:30:00.250Z"))
        .setUserId(4242)
        .build();
  }

  private static Schema resource(String name) throws IOException {
    try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/evolution/" + name)) {
      return new Schema.Parser().parse(in);
    }
  }

  /** The production sign_in schema as JSON with its fields edited by {@code edit}. */
  private static Schema edited(java.util.function.Consumer<List<Schema.Field>> edit) {
    Schema base = SignIn.getClassSchema();
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : base.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    edit.accept(fields);
    return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
  }

  @Test
  void anOptionalFieldWithADefaultIsBackwardCompatibleAndDecodesIntoTheOldClass()
      throws IOException {
    byte[] v1 = codec.serialize(SUBJECT, v1Event());
    Schema v2 = resource("sign_in_v2_optional_device.avsc");
    assertThat(v2.getField("device")).isNotNull();
    assertThat(SignIn.getClassSchema().getField("device")).isNull();

    GenericRecord written = new GenericData.Record(v2);
    written.put("event_id", "7f9c1a52-3b4d-4e5f-8a6b-0c1d2e3f4a5b");
    written.put("timestamp", Instant.parse("2026-01-05T09:31:00Z").toEpochMilli());
    written.put("event_name", "sign_in");
    written.put("user_id", 4243);
    written.put("device", "tv-livingroom");
    byte[] v2Bytes = codec.serialize(SUBJECT, written);

    // The registry took it as version 2 with a new id (auto-registered by the serializer).
    int v1Id = ByteBuffer.wrap(v1, 1, 4).getInt();
    int v2Id = ByteBuffer.wrap(v2Bytes, 1, 4).getInt();
    assertThat(v2Id).isNotEqualTo(v1Id);
    assertThat(http.get("/subjects/sign_in-value/versions").raw()).isEqualTo("[1,2]");
    assertThat(http.get("/config").json().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");

    // An old reader (this build's SignIn class) reads the new record: device is skipped.
    SignIn old = codec.deserialize(WHERE, v2Bytes, SignIn.class);
    assertThat(old.getUserId()).isEqualTo(4243);
    assertThat(old.getTimestamp()).isEqualTo(Instant.parse("2026-01-05T09:31:00Z"));
    assertThat(old.getEventName()).isEqualTo("sign_in");
    assertThat(old.getEventId()).isEqualTo(UUID.fromString("7f9c1a52-3b4d-4e5f-8a6b-0c1d2e3f4a5b"));
    // ... and through the Kafka Deserializer, which picks the class by topic.
    Object viaKafka = new ConfluentAvroDeserializer(client).deserialize("sign_in", v2Bytes);
    assertThat(viaKafka).isEqualTo(old);

    // A new reader of old data: the default fills the new field (generic read, writer v1).
    GenericRecord v1AsGeneric = codec.deserializeGeneric(WHERE, v1);
    assertThat(v1AsGeneric.getSchema().getField("device")).isNull();
    assertThat(codec.deserialize(WHERE, v1, SignIn.class)).isEqualTo(v1Event());
  }

  @Test
  void aNewRequiredFieldIsRefusedWith409BeforeAnyRecordIsProduced() {
    codec.serialize(SUBJECT, v1Event());
    Schema required =
        edited(
            fields ->
                fields.add(
                    new Schema.Field("device", Schema.create(Schema.Type.STRING), "no default")));
    GenericRecord record = recordOf(required);
    record.put("device", "phone");

    MockProducer<String, GenericContainer> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ConfluentAvroSerializer(client));
    Throwable thrown =
        catchThrowable(() -> producer.send(new ProducerRecord<>("sign_in", 0, "4242", record)));

    RegistryException refused = registryFailure(thrown);
    assertThat(refused.errorCode()).isEqualTo(409);
    assertThat(refused.getMessage()).contains("sign_in-value", "device");
    assertThat(producer.history()).isEmpty();
    assertThat(http.get("/subjects/sign_in-value/versions").raw()).isEqualTo("[1]");
  }

  @Test
  void aFieldTypeChangeIsRefusedWith409() {
    codec.serialize(SUBJECT, v1Event());
    Schema stringUser =
        edited(
            fields -> {
              int i = 3;
              assertThat(fields.get(i).name()).isEqualTo("user_id");
              fields.set(i, new Schema.Field("user_id", Schema.create(Schema.Type.STRING)));
            });
    GenericRecord record = recordOf(stringUser);
    record.put("user_id", "4242");

    Throwable thrown = catchThrowable(() -> codec.serialize(SUBJECT, record));

    RegistryException refused = registryFailure(thrown);
    assertThat(refused.errorCode()).isEqualTo(409);
    // user_id is field 3 of sign_in: Avro's finding names the field by its position.
    assertThat(refused.getMessage()).contains("sign_in-value", "TYPE_MISMATCH", "/fields/3/type");
    assertThat(http.get("/subjects/sign_in-value/versions").raw()).isEqualTo("[1]");
  }

  private static GenericRecord recordOf(Schema schema) {
    GenericRecord r = new GenericData.Record(schema);
    r.put("event_id", "7f9c1a52-3b4d-4e5f-8a6b-0c1d2e3f4a5b");
    r.put("timestamp", 1_767_605_400_000L);
    r.put("event_name", "sign_in");
    r.put("user_id", 4242);
    return r;
  }

  /** The RegistryException, thrown directly or wrapped once by the Kafka client. */
  private static RegistryException registryFailure(Throwable thrown) {
    Throwable t = thrown;
    while (t != null && !(t instanceof RegistryException)) {
      t = t.getCause();
    }
    assertThat(t).as("a RegistryException in %s", thrown).isInstanceOf(RegistryException.class);
    return (RegistryException) t;
  }
}
