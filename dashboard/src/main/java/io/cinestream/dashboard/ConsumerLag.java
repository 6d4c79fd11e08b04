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

  /** The group label of the Spark metric queries' checkpoints ({@code <home>/checkpoints}). */
  public static final String SPARK_METRICS_PREFIX =
      SparkCheckpoints.GROUP_PREFIX + "spark-metrics/";

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
   * @return {@code flink} for the Flink metric jobs' groups, {@code spark} for the Spark metric
   *     queries' checkpoints ({@link SparkCheckpoints}) but their late-events twins, else null
   *     (e.g. the raw loader)
   */
  public static String engineOf(String group) {
    if (group.startsWith(FLINK_GROUP_PREFIX)) {
      return "flink";
    }
    // A query's late-events query reads the same topics again: listed, not counted twice.
    return group.startsWith(SPARK_METRICS_PREFIX) && !group.endsWith("-late-events")
        ? "spark"
        : null;
  }

  /**
   * The lag of every consumer group's committed partitions.
   *
   * @return see {@link #read(Map)}, without Spark positions
   * @throws ExecutionException when the broker refuses a request
   * @throws TimeoutException when the broker does not answer within 10 s
   * @throws InterruptedException when interrupted while waiting
   */
  public List<Lag> read() throws ExecutionException, TimeoutException, InterruptedException {
    return read(Map.of());
  }

  /**
   * The lag of every consumer group's committed partitions and of the given positions, in four
   * requests (groups, their offsets, topics, the log-end offsets). Partitions of topics that no
   * longer exist are left out.
   *
   * @param positions more "groups" whose positions are not in Kafka: group label to the next offset
   *     to read per partition (the Spark queries' checkpoints, {@link SparkCheckpoints})
   * @return one entry per group and partition with a committed offset, by group, topic, partition
   * @throws ExecutionException when the broker refuses a request
   * @throws TimeoutException when the broker does not answer within 10 s
   * @throws InterruptedException when interrupted while waiting
   */
  public List<Lag> read(Map<String, Map<TopicPartition, Long>> positions)
      throws ExecutionException, TimeoutException, InterruptedException {
    Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
    for (GroupListing g :
        admin
            .listGroups(ListGroupsOptions.forConsumerGroups())
            .all()
            .get(TIMEOUT_S, TimeUnit.SECONDS)) {
      specs.put(g.groupId(), new ListConsumerGroupOffsetsSpec());
    }
    Map<String, Map<TopicPartition, Long>> committed = new HashMap<>(positions);
    if (!specs.isEmpty()) {
      admin
          .listConsumerGroupOffsets(specs)
          .all()
          .get(TIMEOUT_S, TimeUnit.SECONDS)
          .forEach(
              (group, offsets) -> {
                Map<TopicPartition, Long> at = new HashMap<>();
                offsets.forEach(
                    (tp, om) -> {
                      if (om != null) {
                        at.put(tp, om.offset());
                      }
                    });
                committed.put(group, at);
              });
    }
    if (committed.isEmpty()) {
      return List.of();
    }
    Set<String> topics = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    committed
        .values()
        .forEach(
            offsets ->
                offsets.forEach(
                    (tp, at) -> {
                      if (topics.contains(tp.topic())) {
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
                (tp, at) -> {
                  Long end = ends.get(tp);
                  if (end != null) {
                    out.add(new Lag(group, tp.topic(), tp.partition(), Math.max(0, end - at)));
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
