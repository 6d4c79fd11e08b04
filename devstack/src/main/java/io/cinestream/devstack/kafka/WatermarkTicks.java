package io.cinestream.devstack.kafka;

import io.cinestream.schemas.TickSignature;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.WatermarkTick;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the final watermark tick ({@link WatermarkTick}): one record on every partition of every
 * event topic ({@link Topic#events()}, not the compacted catalogue), key and value null, header
 * {@value WatermarkTick#HEADER} = {@code 1}, header {@value TickSignature#HEADER} = the tick's
 * HMAC-SHA256 signature with the tick key ({@link TickSignature}: consumers take no unsigned tick),
 * record timestamp (CreateTime) = the tick's event time. The producer is idempotent with {@code
 * acks=all}, so a retried send never writes a tick twice; calling {@link #write} twice writes two
 * ticks per partition, which is harmless (a second tick at the same time moves no watermark).
 *
 * <p>T is usually in the past (the simulated day). Kafka's time-based retention judges a segment by
 * its largest record timestamp, so a tick beside fresh events lives as long as they do; a partition
 * holding nothing but old ticks may lose them at the next retention check, which only matters if
 * nothing has read it by then.
 */
public final class WatermarkTicks {

  /** Seconds to wait for metadata and for all sends to be acknowledged. */
  static final int TIMEOUT_S = 30;

  private WatermarkTicks() {}

  /**
   * One written tick record.
   *
   * @param topic the event topic
   * @param partition its partition
   * @param offset the tick's offset there
   * @param timestampMs the record timestamp = the tick's event time, UTC ms since the epoch
   */
  public record Written(String topic, int partition, long offset, long timestampMs) {
    /**
     * @return e.g. {@code sign_in/1@4711}
     */
    public String render() {
      return topic + "/" + partition + "@" + offset;
    }
  }

  /**
   * Writes one tick on every partition of every event topic and waits for all acknowledgements.
   *
   * @param bootstrapServers e.g. {@code 127.0.0.1:9092}
   * @param at the tick's event time T
   * @param key the tick key ({@link TickSignature#readOrCreateKey})
   * @return one entry per partition, in topic catalogue then partition order
   * @throws IllegalStateException when a topic is missing or has no partitions, or the broker does
   *     not acknowledge every tick within {@value #TIMEOUT_S} s
   */
  public static List<Written> write(String bootstrapServers, Instant at, byte[] key) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, TIMEOUT_S * 1000);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "cinestream-watermark-tick");
    long t = at.toEpochMilli();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (Topic topic : Topic.events()) {
        List<PartitionInfo> partitions = producer.partitionsFor(topic.topicName());
        if (partitions == null || partitions.isEmpty()) {
          throw new IllegalStateException(
              "topic " + topic.topicName() + " has no partitions on " + bootstrapServers);
        }
        for (PartitionInfo p :
            partitions.stream()
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                .toList()) {
          RecordHeaders headers = new RecordHeaders();
          headers.add(WatermarkTick.HEADER, WatermarkTick.headerValue());
          headers.add(
              TickSignature.HEADER, TickSignature.sign(key, topic.topicName(), p.partition(), t));
          sent.add(
              producer.send(
                  new ProducerRecord<>(topic.topicName(), p.partition(), t, null, null, headers)));
        }
      }
      producer.flush();
      List<Written> written = new ArrayList<>();
      for (Future<RecordMetadata> f : sent) {
        RecordMetadata m = f.get(TIMEOUT_S, TimeUnit.SECONDS);
        written.add(new Written(m.topic(), m.partition(), m.offset(), m.timestamp()));
      }
      return written;
    } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
      throw new IllegalStateException(
          "cannot write the watermark tick to " + bootstrapServers + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing the watermark tick", e);
    }
  }
}
