package io.cinestream.devstack.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaLog} in a compacted, single-partition Kafka topic ({@code _schemas} by default),
 * the way Confluent's registry keeps its state.
 *
 * <p>One partition keeps the records in one total order. The producer uses {@code acks=all},
 * idempotence and one request in flight, and {@link #append} waits for the acknowledgement, so a
 * registration is durable before the registry answers it. {@link #readAll} reads the partition from
 * the beginning to the end offset seen at the time of the call.
 */
public final class KafkaSchemaLog implements SchemaLog {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaLog.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final String topic;
  private final TopicPartition partition;
  private final KafkaProducer<String, String> producer;

  private KafkaSchemaLog(String bootstrapServers, String topic) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.partition = new TopicPartition(topic, 0);
    this.producer = new KafkaProducer<>(producerProperties(bootstrapServers));
  }

  /**
   * Connects to the topic, creating it (1 partition, {@code cleanup.policy=compact}, the broker's
   * default replication factor) when missing, as Confluent's registry does.
   *
   * @param bootstrapServers e.g. {@code 127.0.0.1:9092}
   * @param topic the log topic, normally {@link io.cinestream.schemas.Topics#SCHEMAS}
   * @return the open log
   * @throws IllegalStateException when the broker cannot be reached within 30 s, or the topic
   *     exists with more than one partition (its records would have no total order)
   */
  public static KafkaSchemaLog open(String bootstrapServers, String topic) {
    ensureTopic(bootstrapServers, topic);
    return new KafkaSchemaLog(bootstrapServers, topic);
  }

  @Override
  public List<Entry> readAll() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    List<Entry> entries = new ArrayList<>();
    // No group: the registry assigns the partition itself and never commits offsets.
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (consumer.position(partition, TIMEOUT) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "reading " + topic + " did not reach end offset " + end + " within 60 s");
        }
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.key() == null) {
            LOG.warn("Skipping {} record at offset {}: it has no key", topic, r.offset());
            continue;
          }
          entries.add(new Entry(r.key(), r.value()));
        }
      }
      LOG.info("Read {} records from {} (end offset {})", entries.size(), topic, end);
      return entries;
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new IllegalStateException("cannot read " + topic + " on " + bootstrapServers, e);
    }
  }

  @Override
  public void append(Entry entry) {
    try {
      producer
          .send(new ProducerRecord<>(topic, 0, entry.key(), entry.value()))
          .get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new SchemaLogException("write to " + topic + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaLogException("interrupted while writing to " + topic, e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  private static Properties producerProperties(String bootstrapServers) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // One request in flight: records land in exactly the order the registry decided them.
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
    return props;
  }

  private static void ensureTopic(String bootstrapServers, String topic) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    try (Admin admin = Admin.create(props)) {
      Set<String> names = admin.listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (!names.contains(topic)) {
        NewTopic newTopic =
            new NewTopic(topic, Optional.of(1), Optional.empty())
                .configs(
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try {
          admin.createTopics(List.of(newTopic)).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
          LOG.info("Created the compacted topic {} on {}", topic, bootstrapServers);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      TopicDescription d =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
              .get(topic);
      if (d.partitions().size() != 1) {
        throw new IllegalStateException(
            topic
                + " has "
                + d.partitions().size()
                + " partitions; the registry log needs exactly 1");
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot reach or create " + topic + " on " + bootstrapServers + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking " + topic, e);
    }
  }
}
