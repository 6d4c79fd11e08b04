package io.cinestream.devstack.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cinestream.devstack.TestPorts;
import io.cinestream.devstack.kafka.KafkaBroker;
import io.cinestream.devstack.kafka.TopicCreator;
import io.cinestream.devstack.registry.RegistryConfig;
import io.cinestream.devstack.registry.SchemaRegistryServer;
import io.cinestream.events.ConsumerRegistration;
import io.cinestream.events.PreferredLanguage;
import io.cinestream.schemas.serde.CachingSchemaRegistryClient;
import io.cinestream.schemas.serde.ConfluentAvroCodec;
import io.cinestream.schemas.serde.ConfluentAvroSerializer;
import io.cinestream.schemas.serde.RecordCoordinates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericContainer;
import org.apache.flink.formats.avro.registry.confluent.ConfluentRegistryAvroDeserializationSchema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our registry server and serde against real Confluent clients: Confluent's Python client ({@code
 * confluent-kafka} AvroSerializer/AvroDeserializer with its SchemaRegistryClient, run from the
 * virtualenv that {@code ./pipeline test} passes as {@code -Dcinestream.python}) and the Java
 * client shaded in Flink's {@code flink-sql-avro-confluent-registry}. The broker and the registry
 * run in this JVM on free loopback ports.
 */
class ConfluentClientInteropTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT =
      Path.of(System.getProperty("cinestream.root", "..")).toAbsolutePath();
  private static final Path SCRIPT = ROOT.resolve("devstack/src/test/python/confluent_interop.py");
  private static final Path REGISTRATION_AVSC =
      ROOT.resolve(
          "schemas/src/main/resources/avro/io/cinestream/events/consumer_registration.avsc");

  @TempDir static Path tmp;
  private static KafkaBroker broker;
  private static SchemaRegistryServer registry;
  private static String registryUrl;

  @BeforeAll
  static void startStack() throws Exception {
    broker = KafkaBroker.start(tmp.resolve("kafka"), TestPorts.freePort(), TestPorts.freePort());
    TopicCreator.ensureTopics(broker.bootstrapServers());
    registry =
        SchemaRegistryServer.start(
            RegistryConfig.defaults().withPort(0).withBootstrapServers(broker.bootstrapServers()));
    registryUrl = "http://127.0.0.1:" + registry.port();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("interop_py", 1, (short) 1),
                  new NewTopic("interop_java", 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stopStack() {
    if (registry != null) {
      registry.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void ourDeserializerReadsWhatConfluentsPythonSerializerWrote() throws Exception {
    List<JsonNode> sent =
        python(
            "produce",
            "--topic",
            "interop_py",
            "--count",
            "25",
            "--schema",
            REGISTRATION_AVSC.toString());
    assertThat(sent).hasSize(25);

    ConfluentAvroCodec codec = new ConfluentAvroCodec(new CachingSchemaRegistryClient(registryUrl));
    List<ConsumerRecord<String, byte[]>> records = readAll("interop_py", 25);
    for (int i = 0; i < 25; i++) {
      ConsumerRecord<String, byte[]> r = records.get(i);
      ConsumerRegistration got =
          codec.deserialize(
              new RecordCoordinates(r.topic(), r.partition(), r.offset()),
              r.value(),
              ConsumerRegistration.class);
      JsonNode want = sent.get(i);
      assertThat(got.getEventId().toString()).isEqualTo(want.get("event_id").asText());
      assertThat(got.getTimestamp().toEpochMilli()).isEqualTo(want.get("timestamp").asLong());
      assertThat(got.getEventName()).isEqualTo("consumer_registration");
      assertThat(got.getUserId()).isEqualTo(want.get("user_id").asInt());
      assertThat(got.getAge()).isEqualTo(want.get("age").asInt());
      assertThat(got.getMaskedEmail()).isEqualTo(want.get("masked_email").asText());
      assertThat(got.getPreferredLanguage().name())
          .isEqualTo(want.get("preferred_language").asText());
      assertThat(r.key()).isEqualTo(String.valueOf(got.getUserId()));
    }
  }

  @Test
  void confluentsPythonDeserializerReadsWhatOurSerializerWrote() throws Exception {
    List<ConsumerRegistration> written = registrations(20);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, GenericContainer> producer =
        new KafkaProducer<>(
            props,
            new StringSerializer(),
            new ConfluentAvroSerializer(new CachingSchemaRegistryClient(registryUrl)))) {
      for (ConsumerRegistration r : written) {
        producer.send(new ProducerRecord<>("interop_java", String.valueOf(r.getUserId()), r)).get();
      }
    }

    List<JsonNode> read = python("consume", "--topic", "interop_java", "--count", "20");

    assertThat(read).hasSize(20);
    for (int i = 0; i < 20; i++) {
      ConsumerRegistration want = written.get(i);
      JsonNode got = read.get(i);
      assertThat(got.get("event_id").asText()).isEqualTo(want.getEventId().toString());
      assertThat(got.get("timestamp").asLong()).isEqualTo(want.getTimestamp().toEpochMilli());
      assertThat(got.get("event_name").asText()).isEqualTo("consumer_registration");
      assertThat(got.get("user_id").asInt()).isEqualTo(want.getUserId());
      assertThat(got.get("age").asInt()).isEqualTo(want.getAge());
      assertThat(got.get("masked_email").asText()).isEqualTo(want.getMaskedEmail());
      assertThat(got.get("preferred_language").asText())
          .isEqualTo(want.getPreferredLanguage().name());
    }
  }

  @Test
  void flinksShadedConfluentClientDecodesWhatOurSerializerWrote() throws Exception {
    ConfluentAvroCodec codec = new ConfluentAvroCodec(new CachingSchemaRegistryClient(registryUrl));
    org.apache.flink.avro.shaded.org.apache.avro.Schema readerSchema =
        new org.apache.flink.avro.shaded.org.apache.avro.Schema.Parser()
            .parse(ConsumerRegistration.getClassSchema().toString());
    ConfluentRegistryAvroDeserializationSchema<
            org.apache.flink.avro.shaded.org.apache.avro.generic.GenericRecord>
        flink = ConfluentRegistryAvroDeserializationSchema.forGeneric(readerSchema, registryUrl);

    for (ConsumerRegistration want : registrations(5)) {
      byte[] bytes = codec.serialize("interop_flink-value", want);
      org.apache.flink.avro.shaded.org.apache.avro.generic.GenericRecord got =
          flink.deserialize(bytes);

      assertThat(got.get("event_id").toString()).isEqualTo(want.getEventId().toString());
      assertThat(got.get("timestamp")).isEqualTo(want.getTimestamp().toEpochMilli());
      assertThat(got.get("user_id")).isEqualTo(want.getUserId());
      assertThat(got.get("age")).isEqualTo(want.getAge());
      assertThat(got.get("masked_email").toString()).isEqualTo(want.getMaskedEmail());
      assertThat(got.get("preferred_language").toString())
          .isEqualTo(want.getPreferredLanguage().name());
    }
  }

  private static List<ConsumerRegistration> registrations(int n) {
    List<ConsumerRegistration> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          ConsumerRegistration.newBuilder()
              .setEventId(UUID.nameUUIDFromBytes(("interop-" + i).getBytes(StandardCharsets.UTF_8)))
              .setTimestamp(Instant.parse("2026-11-23T00:00:00Z").plusMillis(i * 61_001L))
              .setUserId(900_000 + i)
              .setAge(95 - i)
              .setMaskedEmail("****@mail" + i + ".example")
              .setPreferredLanguage(PreferredLanguage.values()[i % 3])
              .build());
    }
    return out;
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(new TopicPartition(topic, 0)));
      consumer.seekToBeginning(consumer.assignment());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(out::add);
      }
    }
    assertThat(out).as("records read back from " + topic).hasSize(expected);
    return out;
  }

  /** Runs the Python oracle and returns its stdout, one JSON object per line. */
  private static List<JsonNode> python(String mode, String... args)
      throws IOException, InterruptedException {
    String python = System.getProperty("cinestream.python");
    if (python == null || !Files.isExecutable(Path.of(python))) {
      String why =
          "Confluent's Python client is not available (-Dcinestream.python="
              + python
              + "); ./pipeline test installs it into .local/venv/interop";
      if (Boolean.getBoolean("cinestream.requireInterop")) {
        fail(why);
      }
      assumeTrue(false, why);
    }
    List<String> command = new ArrayList<>(List.of(python, SCRIPT.toString(), mode));
    command.addAll(List.of("--bootstrap", broker.bootstrapServers(), "--registry", registryUrl));
    command.addAll(List.of(args));
    Path err = Files.createTempFile(tmp, "python", ".err");
    Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail("python " + mode + " failed: " + Files.readString(err));
    }
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }
}
