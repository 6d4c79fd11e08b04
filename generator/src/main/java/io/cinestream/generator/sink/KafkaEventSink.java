package io.cinestream.generator.sink;

import io.cinestream.generator.event.SimEvent;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.serde.ConfluentAvroSerializer;
import io.cinestream.schemas.serde.SchemaRegistryClient;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends to Kafka with one idempotent producer ({@code acks=all}, {@code enable.idempotence=true}),
 * key = user_id as a string, value = Confluent wire-format Avro from {@link EventEncoder} under the
 * subject {@code <topic>-value} (the bytes {@link ConfluentAvroSerializer} would write).
 *
 * <p>Why the value is serialized here rather than by the producer: one {@code KafkaProducer<String,
 * byte[]>} then carries both the Avro events and the raw malformed records, and the encoded size is
 * known for the summary.
 *
 * <p>The Kafka record timestamp is left to the producer (wall clock): the event time lives in the
 * Avro {@code timestamp} field, and a simulated day in the past stamped into the record timestamp
 * would make the broker's time-based retention delete it at once.
 *
 * <p>Send failures (after the producer's own retries) are logged in the callback, the first ten in
 * full and then every thousandth, and counted in {@link #failures()}.
 */
public final class KafkaEventSink implements EventSink {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventSink.class);

  private final KafkaProducer<String, byte[]> producer;
  private final EventEncoder encoder;
  private final AtomicLong failures = new AtomicLong();
  // One callback for every record: no allocation per send.
  private final Callback callback = this::onCompletion;

  /**
   * @param producerConfig producer settings, e.g. from {@link #producerConfig(String)}; the
   *     serializers are set here
   * @param registry the schema registry the serde registers the value schemas in
   */
  public KafkaEventSink(Map<String, Object> producerConfig, SchemaRegistryClient registry) {
    this.encoder = new EventEncoder(registry);
    this.producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * {@code linger.ms} of a bulk (simulated-time) run, which sends as fast as the broker takes the
   * records and where no one waits for a single record: batches wait up to 100 ms to fill, so the
   * 14 partitions get fewer, fuller batches. {@code bench/generator-throughput.sh} at 1,000,000
   * events on 2 cores: about 20 % more events/s than with 10 ms, and a third less broker CPU per
   * event.
   */
  public static final int BULK_LINGER_MS = 100;

  /**
   * The generator's producer settings: {@code acks=all}, idempotence on, at most 5 requests in
   * flight (the idempotent producer keeps order with up to 5), {@code linger.ms=10} (a real-time
   * run; a bulk run uses {@link #BULK_LINGER_MS}) and {@code batch.size=256 KiB} so that batches
   * fill at a few hundred thousand small records per second spread over 14 partitions, no
   * compression (the same as {@code kafka-producer-perf-test}'s default, for a fair comparison).
   *
   * @param bootstrap Kafka bootstrap servers, {@code host:port[,...]}
   * @return a mutable map; callers may override any setting
   */
  public static Map<String, Object> producerConfig(String bootstrap) {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ProducerConfig.CLIENT_ID_CONFIG, "cinestream-generator");
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    c.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    c.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    c.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    return c;
  }

  @Override
  public byte[] encode(SimEvent event) {
    return encoder.encode(event);
  }

  @Override
  public void sendEncoded(SimEvent event, byte[] value) {
    producer.send(new ProducerRecord<>(event.topic().topicName(), event.key(), value), callback);
  }

  @Override
  public void sendRaw(Topic topic, String key, byte[] value) {
    producer.send(new ProducerRecord<>(topic.topicName(), key, value), callback);
  }

  @Override
  public void flush() {
    producer.flush();
  }

  @Override
  public long failures() {
    return failures.get();
  }

  @Override
  public void close() {
    producer.close();
  }

  private void onCompletion(RecordMetadata metadata, Exception e) {
    if (e == null) {
      return;
    }
    long n = failures.incrementAndGet();
    if (n <= 10 || n % 1000 == 0) {
      LOG.error("Send failed ({} failures so far)", n, e);
    }
  }
}
