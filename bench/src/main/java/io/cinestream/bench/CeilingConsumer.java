package io.cinestream.bench;

import io.cinestream.schemas.Topic;
import io.cinestream.schemas.serde.ConfluentAvroDeserializer;
import io.cinestream.schemas.serde.ConfluentAvroSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The ceiling: a plain Kafka consumer that reads a job's topics from the beginning to the end
 * offsets present at start and decodes every value with the project's Confluent wire-format
 * deserializer (the same decode the engines do), doing nothing else. No consumer group (assigned
 * partitions), one thread, {@code read_committed} like the engines.
 */
public final class CeilingConsumer {

  /**
   * One ceiling run.
   *
   * @param records records decoded
   * @param firstRecordMs wall time the first record was returned, epoch ms
   * @param lastRecordMs wall time the last record was decoded, epoch ms
   * @param cpuSeconds CPU time of this JVM over the run (the consumer is all it does then)
   */
  public record Result(long records, long firstRecordMs, long lastRecordMs, double cpuSeconds) {
    /** Records per second, first to last record. */
    public double recordsPerSecond() {
      return records * 1000.0 / Math.max(1, lastRecordMs - firstRecordMs);
    }
  }

  private CeilingConsumer() {}

  /**
   * Reads and decodes every record of the topics.
   *
   * @param bootstrap Kafka bootstrap servers
   * @param registry schema registry URL
   * @param topics topics to read
   * @throws IllegalStateException when a topic does not exist or a value cannot be decoded
   */
  public static Result run(String bootstrap, String registry, List<Topic> topics) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConfluentAvroDeserializer.class.getName());
    props.put(ConfluentAvroSerializer.REGISTRY_URL_CONFIG, registry);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    long cpuStart = ProcStats.read(ProcessHandle.current().pid()).orElseThrow().cpuTicks();
    try (KafkaConsumer<byte[], Object> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (Topic t : topics) {
        List<PartitionInfo> infos = consumer.partitionsFor(t.topicName(), Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
          throw new IllegalStateException("topic " + t.topicName() + " does not exist");
        }
        infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
      end.values().removeIf(o -> o == 0);
      long records = 0;
      long first = 0;
      long last = 0;
      int checksum = 0;
      while (!end.isEmpty()) {
        ConsumerRecords<byte[], Object> batch = consumer.poll(Duration.ofMillis(500));
        if (!batch.isEmpty() && first == 0) {
          first = System.currentTimeMillis();
        }
        for (ConsumerRecord<byte[], Object> r : batch) {
          records++;
          checksum += r.value() == null ? 0 : 1; // keeps the decoded value alive
        }
        if (!batch.isEmpty()) {
          last = System.currentTimeMillis();
        }
        end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      }
      long cpuEnd = ProcStats.read(ProcessHandle.current().pid()).orElseThrow().cpuTicks();
      if (checksum < 0) {
        throw new IllegalStateException("unreachable");
      }
      return new Result(
          records, first, last, (cpuEnd - cpuStart) / (double) ProcStats.TICKS_PER_SECOND);
    }
  }
}
