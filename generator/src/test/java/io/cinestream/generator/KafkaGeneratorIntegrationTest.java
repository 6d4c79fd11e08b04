package io.cinestream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.devstack.kafka.TopicCreator;
import io.cinestream.events.ConsumerRegistration;
import io.cinestream.events.ItemView;
import io.cinestream.events.MovieCatalogEnriched;
import io.cinestream.generator.catalog.CatalogueItem;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.serde.CachingSchemaRegistryClient;
import io.cinestream.schemas.serde.ConfluentAvroCodec;
import io.cinestream.schemas.serde.ConfluentAvroSerializer;
import io.cinestream.schemas.serde.RecordCoordinates;
import io.cinestream.schemas.serde.WireFormatException;
import io.cinestream.testsupport.LocalStack;
import io.cinestream.testsupport.LocalStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.specific.SpecificRecord;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * The CLI against a real KRaft broker and our schema registry, both in this JVM on free loopback
 * ports: the catalogue is read from {@code movies_catalog_enriched}, 10,000 events are produced,
 * and every record is read back and decoded through the registry.
 */
@ExtendWith(LocalStackExtension.class)
class KafkaGeneratorIntegrationTest {

  private static String bootstrap;
  private static String registryUrl;

  @BeforeAll
  static void useStack(LocalStack stack) {
    bootstrap = stack.bootstrapServers();
    TopicCreator.ensureTopics(bootstrap);
    registryUrl = stack.registryUrl();
  }

  /** An address with a real local part: a letter or digit right before the '@'. */
  private static final Pattern PLAIN_EMAIL =
      Pattern.compile("[A-Za-z0-9._%+-]*[A-Za-z0-9]@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");

  @Test
  void producesTenThousandEventsThatReadBackThroughTheRegistryInTheSummarysCounts()
      throws Exception {
    publishCatalogue();
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    GeneratorCli cli = new GeneratorCli(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    new CommandLine(cli)
        .parseArgs(
            "--bootstrap",
            bootstrap,
            "--registry",
            registryUrl,
            "--users",
            "2000",
            "--max-events",
            "10000",
            "--max-delay",
            "1m",
            "--duplicate-rate",
            "0.01",
            "--malformed-rate",
            "0.005",
            "--seed",
            "42",
            "--no-progress");

    Summary summary = cli.run();

    assertThat(summary.total().events()).isEqualTo(10_000);
    assertThat(summary.failures()).isZero();
    ConfluentAvroCodec codec = new ConfluentAvroCodec(new CachingSchemaRegistryClient(registryUrl));
    Map<Topic, long[]> read = new EnumMap<>(Topic.class);
    Set<UUID> distinct = new HashSet<>();
    Set<String> viewed = new HashSet<>();
    List<String> registrations = new ArrayList<>();
    List<String> plainEmails = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : readAll(Topic.events())) {
      // No plain address in any record's bytes, decodable or not (security:
      // docs/architecture.md#topics-and-schemas).
      Matcher plain =
          PLAIN_EMAIL.matcher(
              r.value() == null ? "" : new String(r.value(), StandardCharsets.ISO_8859_1));
      if (plain.find()) {
        plainEmails.add(r.topic() + "@" + r.offset() + ": " + plain.group());
      }
      Topic topic = Topic.byName(r.topic()).orElseThrow();
      long[] c = read.computeIfAbsent(topic, t -> new long[2]);
      try {
        SpecificRecord v =
            codec.deserialize(
                new RecordCoordinates(r.topic(), r.partition(), r.offset()),
                r.value(),
                topic.valueClass());
        c[0]++;
        distinct.add((UUID) v.get(0));
        assertThat(r.key()).isEqualTo(v.get(3).toString());
        if (v instanceof ItemView view) {
          viewed.add(view.getItemId());
        }
        if (v instanceof ConsumerRegistration registration) {
          registrations.add(registration.getMaskedEmail());
        }
      } catch (WireFormatException e) {
        c[1]++;
      }
    }
    summary
        .perTopic()
        .forEach(
            (topic, counts) -> {
              long[] c = read.getOrDefault(topic, new long[2]);
              assertThat(c[0])
                  .as("decodable records of " + topic)
                  .isEqualTo(counts.events() + counts.duplicates());
              assertThat(c[1]).as("malformed records of " + topic).isEqualTo(counts.malformed());
            });
    assertThat(distinct).hasSize(10_000);
    // Every registration on the consumer_registration topic carries a masked e-mail only.
    assertThat(registrations).isNotEmpty().allMatch(e -> e.matches("\\*{4}@[^@]+"), "****@domain");
    assertThat(plainEmails).isEmpty();
    assertThat(summary.total().duplicates()).isPositive();
    assertThat(summary.total().malformed()).isPositive();
    // The tombstoned product and the superseded price never reach the simulation.
    assertThat(viewed).isNotEmpty().doesNotContain("ean:deleted");
    assertThat(stdout.toString(StandardCharsets.UTF_8)).isEmpty(); // run() prints nothing
    assertThat(summary.toMarkdown()).contains("| **total** | 10000 |");
  }

  /** The small test catalogue on the topic, plus one product that is then tombstoned. */
  private static void publishCatalogue() throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    String topic = Topic.MOVIES_CATALOG_ENRICHED.topicName();
    try (KafkaProducer<String, GenericContainer> producer =
        new KafkaProducer<>(
            props,
            new StringSerializer(),
            new ConfluentAvroSerializer(new CachingSchemaRegistryClient(registryUrl)))) {
      for (CatalogueItem i : Fixtures.smallCatalogue().items()) {
        producer.send(new ProducerRecord<>(topic, i.itemId(), product(i)));
      }
      producer.send(
          new ProducerRecord<>(
              topic, "ean:deleted", product(new CatalogueItem("ean:deleted", 100L, "Deleted"))));
      producer.send(new ProducerRecord<>(topic, "ean:deleted", null)).get();
    }
  }

  private static MovieCatalogEnriched product(CatalogueItem i) {
    return MovieCatalogEnriched.newBuilder()
        .setItemId(i.itemId())
        .setTitle(i.title())
        .setListPriceCents(i.listPriceCents())
        .build();
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(List<Topic> topics) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (Topic t : topics) {
        consumer
            .partitionsFor(t.topicName())
            .forEach(p -> partitions.add(new TopicPartition(t.topicName(), p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline
          && partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
