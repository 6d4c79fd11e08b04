package io.cinestream.devstack.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.devstack.TestPorts;
import io.cinestream.schemas.TickSignature;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.WatermarkTick;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link WatermarkTicks} against a real in-process KRaft broker with the Cinestream topics. */
class WatermarkTicksTest {

  @TempDir static Path dataDir;

  private static KafkaBroker broker;

  @BeforeAll
  static void startBroker() throws IOException {
    broker =
        KafkaBroker.start(dataDir.resolve("kafka"), TestPorts.freePort(), TestPorts.freePort());
    TopicCreator.ensureTopics(broker.bootstrapServers());
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void writesOneTickOnEveryPartitionOfEveryEventTopicAndNoneOnTheCatalogue() {
    Instant t = Instant.parse("2026-01-05T07:02:01Z");

    byte[] key = "k".repeat(32).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    List<WatermarkTicks.Written> written = WatermarkTicks.write(broker.bootstrapServers(), t, key);

    List<String> expected = new ArrayList<>();
    for (Topic topic : Topic.events()) {
      for (int p = 0; p < topic.partitions(); p++) {
        expected.add(topic.topicName() + "/" + p + "@0");
      }
    }
    assertThat(written)
        .extracting(WatermarkTicks.Written::render)
        .containsExactlyElementsOf(expected);
    assertThat(expected).hasSize(14);

    List<ConsumerRecord<byte[], byte[]>> records = readAll();
    assertThat(records).hasSize(expected.size());
    for (ConsumerRecord<byte[], byte[]> r : records) {
      assertThat(r.topic()).isNotEqualTo(Topic.MOVIES_CATALOG_ENRICHED.topicName());
      assertThat(r.key()).isNull();
      assertThat(r.value()).isNull();
      assertThat(r.timestamp()).isEqualTo(t.toEpochMilli());
      assertThat(r.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
      Header h = r.headers().lastHeader(WatermarkTick.HEADER);
      assertThat(h).isNotNull();
      assertThat(new String(h.value(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("1");
      assertThat(WatermarkTick.isTick(r.value(), r.headers())).isTrue();
      assertThat(
              TickSignature.verify(
                  key,
                  r.topic(),
                  r.partition(),
                  r.timestamp(),
                  TickSignature.signatureOf(r.headers())))
          .as("signed for its own partition")
          .isTrue();
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    List<TopicPartition> partitions = new ArrayList<>();
    for (Topic topic : Topic.all()) {
      for (int p = 0; p < topic.partitions(); p++) {
        partitions.add(new TopicPartition(topic.topicName(), p));
      }
    }
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      var end = consumer.endOffsets(partitions);
      long total = end.values().stream().mapToLong(Long::longValue).sum();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (out.size() < total && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
