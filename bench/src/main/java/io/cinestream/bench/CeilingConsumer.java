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
 * partitions), as many consumers (threads) as the engines' parallelism, {@code read_committed} like
 * the engines.
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
   * Reads and decodes every record of the topics with {@code consumers} consumers side by side, as
   * many as the engines' parallelism: the partitions are dealt round-robin (sorted by topic and
   * partition), each consumer on its own thread with its own {@code KafkaConsumer}.
   *
   * @param bootstrap Kafka bootstrap servers
   * @param registry schema registry URL
   * @param topics topics to read (exactly the job's input)
   * @param consumers number of consumers (threads), at least 1
   * @return the records of all consumers, first record of any to last of any, and the harness
   *     process's CPU over the read
   * @throws IllegalStateException when a topic does not exist or a value cannot be decoded
   */
  public static Result run(String bootstrap, String registry, List<Topic> topics, int consumers)
      throws InterruptedException {
    List<TopicPartition> partitions = new ArrayList<>();
    try (KafkaConsumer<byte[], Object> meta = new KafkaConsumer<>(props(bootstrap, registry))) {
      for (Topic t : topics) {
        List<PartitionInfo> infos = meta.partitionsFor(t.topicName(), Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
          throw new IllegalStateException("topic " + t.topicName() + " does not exist");
        }
        infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
      }
    }
    partitions.sort(
        java.util.Comparator.comparing(TopicPartition::topic)
            .thenComparingInt(TopicPartition::partition));
    List<List<TopicPartition>> shares = deal(partitions, consumers);
    long cpuStart = ProcStats.read(ProcessHandle.current().pid()).orElseThrow().cpuTicks();
    long[][] results = new long[shares.size()][];
    RuntimeException[] failures = new RuntimeException[shares.size()];
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < shares.size(); i++) {
      int index = i;
      Thread t =
          new Thread(
              () -> {
                try {
                  results[index] = read(bootstrap, registry, shares.get(index));
                } catch (RuntimeException e) {
                  failures[index] = e;
                }
              },
              "ceiling-consumer-" + i);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    for (RuntimeException f : failures) {
      if (f != null) {
        throw f;
      }
    }
    long cpuEnd = ProcStats.read(ProcessHandle.current().pid()).orElseThrow().cpuTicks();
    long records = 0;
    long first = Long.MAX_VALUE;
    long last = 0;
    for (long[] r : results) {
      records += r[0];
      if (r[0] > 0) {
        first = Math.min(first, r[1]);
        last = Math.max(last, r[2]);
      }
    }
    return new Result(
        records,
        first == Long.MAX_VALUE ? 0 : first,
        last,
        (cpuEnd - cpuStart) / (double) ProcStats.TICKS_PER_SECOND);
  }

  /**
   * Deals items round-robin into {@code n} lists (fewer when there are fewer items, never empty
   * ones): item i goes to list i mod n.
   *
   * @throws IllegalArgumentException when n < 1
   */
  static <T> List<List<T>> deal(List<T> items, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("need at least one consumer, got " + n);
    }
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < Math.min(n, items.size()); i++) {
      out.add(new ArrayList<>());
    }
    for (int i = 0; i < items.size(); i++) {
      out.get(i % n).add(items.get(i));
    }
    return out;
  }

  private static Properties props(String bootstrap, String registry) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConfluentAvroDeserializer.class.getName());
    props.put(ConfluentAvroSerializer.REGISTRY_URL_CONFIG, registry);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    return props;
  }

  /** One consumer's read of its partitions: {records, first record ms, last record ms}. */
  private static long[] read(String bootstrap, String registry, List<TopicPartition> partitions) {
    try (KafkaConsumer<byte[], Object> consumer = new KafkaConsumer<>(props(bootstrap, registry))) {
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
      if (checksum < 0) {
        throw new IllegalStateException("unreachable");
      }
      return new long[] {records, first, last};
    }
  }
}
