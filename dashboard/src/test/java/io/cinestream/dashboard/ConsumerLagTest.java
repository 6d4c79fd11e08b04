package io.cinestream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.testsupport.LocalStack;
import io.cinestream.testsupport.LocalStackExtension;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Consumer lag against the in-process KRaft broker, with offsets committed by hand. */
@ExtendWith(LocalStackExtension.class)
class ConsumerLagTest {

  @Test
  void lagIsTheLogEndMinusTheCommittedOffsetPerPartition(LocalStack stack) throws Exception {
    String bootstrap = stack.bootstrapServers();
    String topic = "lag-" + UUID.randomUUID();
    String group = ConsumerLag.FLINK_GROUP_PREFIX + topic;
    Properties admin = new Properties();
    admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin a = Admin.create(admin)) {
      a.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        // 5 records on partition 0, 3 on partition 1: log-end offsets 5 and 3.
        for (int i = 0; i < 8; i++) {
          producer.send(new ProducerRecord<>(topic, i < 5 ? 0 : 1, "k", "v" + i)).get();
        }
      }
      // The group committed 2 on partition 0 and 3 on partition 1: lag 3 and 0.
      a.alterConsumerGroupOffsets(
              group,
              Map.of(
                  new TopicPartition(topic, 0), new OffsetAndMetadata(2),
                  new TopicPartition(topic, 1), new OffsetAndMetadata(3)))
          .all()
          .get();
    }
    try (ConsumerLag lag = new ConsumerLag(bootstrap)) {
      List<ConsumerLag.Lag> mine =
          lag.read().stream().filter(l -> l.group().equals(group)).toList();
      assertThat(mine)
          .containsExactly(
              new ConsumerLag.Lag(group, topic, 0, 3), new ConsumerLag.Lag(group, topic, 1, 0));
    }
    // A Spark query at offset 4 of partition 0 and 3 of partition 1 (its checkpoint): lag 1 and 0.
    String spark = ConsumerLag.SPARK_METRICS_PREFIX + "session-metrics";
    try (ConsumerLag lag = new ConsumerLag(bootstrap)) {
      List<ConsumerLag.Lag> sparks =
          lag
              .read(
                  Map.of(
                      spark,
                      Map.of(new TopicPartition(topic, 0), 4L, new TopicPartition(topic, 1), 3L)))
              .stream()
              .filter(l -> l.group().equals(spark))
              .toList();
      assertThat(sparks)
          .containsExactly(
              new ConsumerLag.Lag(spark, topic, 0, 1), new ConsumerLag.Lag(spark, topic, 1, 0));
    }
    assertThat(ConsumerLag.engineOf(group)).isEqualTo("flink");
    assertThat(ConsumerLag.engineOf(spark)).isEqualTo("spark");
    assertThat(ConsumerLag.engineOf("spark:raw-loader/postgres")).isNull();
    assertThat(ConsumerLag.engineOf(spark + "-late-events")).isNull();
    assertThat(ConsumerLag.engineOf("spark-kafka-source-1")).isNull();
  }
}
