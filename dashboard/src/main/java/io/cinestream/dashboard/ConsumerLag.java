package io.cinestream.dashboard;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer lag per group and partition with Kafka's AdminClient: log-end offset minus the group's
 * committed offset (docs/operations.md#monitoring, {@code cinestream_consumer_lag_records}). No
 * well-kept exporter could be installed here (the doc says why), so this is the small one the issue
 * allows.
 */
public final class ConsumerLag implements AutoCloseable {

  /** The prefix of the Flink metric jobs' consumer groups ({@code cinestream-flink-<job>}). */
  public static final String FLINK_GROUP_PREFIX = "cinestream-flink-";

  /**
   * One partition's lag of one group.
   *
   * @param group the consumer group id
   * @param topic the topic
   * @param partition the partition
   * @param records log-end offset minus the committed offset (never negative)
   */
  public record Lag(String group, String topic, int partition, long records) {}

  private static final long TIMEOUT_S = 10;
  private final Admin admin;

  /**
   * An AdminClient on the cluster (closed by {@link #close()}).
   *
   * @param bootstrap the Kafka bootstrap servers ({@code host:port[,host:port]})
   */
  public ConsumerLag(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8000);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "cinestream-dashboard");
    this.admin = Admin.create(p);
  }

  /**
   * The engine a consumer group belongs to.
   *
   * @param group a consumer group id
   * @return {@code flink} for the metric jobs' groups, else null (the Spark jobs keep their Kafka
   *     positions in their checkpoints and commit no group offsets)
   */
  public static String engineOf(String group) {
    return group.startsWith(FLINK_GROUP_PREFIX) ? "flink" : null;
  }

  /**
   * The lag of every consumer group's committed partitions, in three requests (groups, their
   * offsets, the log-end offsets). Partitions of topics that no longer exist are left out.
   *
   * @return one entry per group and partition with a committed offset, by group, topic, partition
   * @throws ExecutionException when the broker refuses a request
   * @throws TimeoutException when the broker does not answer within 10 s
   * @throws InterruptedException when interrupted while waiting
   */
  public List<Lag> read() throws ExecutionException, TimeoutException, InterruptedException {
    Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
    for (GroupListing g :
        admin
            .listGroups(ListGroupsOptions.forConsumerGroups())
            .all()
            .get(TIMEOUT_S, TimeUnit.SECONDS)) {
      specs.put(g.groupId(), new ListConsumerGroupOffsetsSpec());
    }
    if (specs.isEmpty()) {
      return List.of();
    }
    Map<String, Map<TopicPartition, OffsetAndMetadata>> committed =
        admin.listConsumerGroupOffsets(specs).all().get(TIMEOUT_S, TimeUnit.SECONDS);
    Set<String> topics = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    committed
        .values()
        .forEach(
            offsets ->
                offsets.forEach(
                    (tp, om) -> {
                      if (om != null && topics.contains(tp.topic())) {
                        latest.put(tp, OffsetSpec.latest());
                      }
                    }));
    Map<TopicPartition, Long> ends = new HashMap<>();
    if (!latest.isEmpty()) {
      admin
          .listOffsets(latest)
          .all()
          .get(TIMEOUT_S, TimeUnit.SECONDS)
          .forEach((tp, info) -> ends.put(tp, info.offset()));
    }
    List<Lag> out = new ArrayList<>();
    committed.forEach(
        (group, offsets) ->
            offsets.forEach(
                (tp, om) -> {
                  Long end = ends.get(tp);
                  if (om != null && end != null) {
                    out.add(
                        new Lag(group, tp.topic(), tp.partition(), Math.max(0, end - om.offset())));
                  }
                }));
    out.sort(
        Comparator.comparing(Lag::group)
            .thenComparing(Lag::topic)
            .thenComparingInt(Lag::partition));
    return out;
  }

  @Override
  public void close() {
    admin.close();
  }
}
