package io.cinestream.devstack.kafka;

import io.cinestream.schemas.Topic;
import io.cinestream.schemas.Topics;
import java.util.ArrayList;
import java.util.Collection;
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
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics of docs/architecture.md#topics-and-schemas ({@link Topic}) and the registry's
 * {@code _schemas} topic when they are missing, and sets each topic's configuration ({@link
 * #topicConfigs}) on topics that exist already (a stack made before these settings gets them too).
 * Partitions from the catalogue, replication factor 1. Idempotent.
 *
 * <p>Retention per topic (the local stack's disk is bounded; k8s/base/kafka/topics.yaml sets the
 * same time retention in production):
 *
 * <ul>
 *   <li>event topics ({@code cleanup.policy=delete}): {@code retention.ms} = 7 days ({@value
 *       #EVENT_RETENTION_MS} ms: a stopped job can resume from its checkpoint for a week), {@code
 *       retention.bytes} = 1 GiB per partition ({@value #EVENT_RETENTION_BYTES}), {@code
 *       segment.bytes} = 128 MiB ({@value #EVENT_SEGMENT_BYTES}: retention deletes whole segments,
 *       so a partition holds at most retention.bytes + one segment);
 *   <li>the catalogue {@code movies_catalog_enriched} (keyed by item_id): {@code
 *       cleanup.policy=compact}, the latest record per item kept for ever, {@code
 *       min.compaction.lag.ms} = 1 hour ({@value #CATALOG_MIN_COMPACTION_LAG_MS});
 *   <li>{@code _schemas}: {@code cleanup.policy=compact} (schemas kept for ever).
 * </ul>
 */
public final class TopicCreator {

  private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);

  /** {@code retention.ms} of the event topics: 7 days. */
  public static final long EVENT_RETENTION_MS = 604_800_000L;

  /** {@code retention.bytes} of the event topics, per partition: 1 GiB. */
  public static final long EVENT_RETENTION_BYTES = 1_073_741_824L;

  /** {@code segment.bytes} of the event topics: 128 MiB. */
  public static final int EVENT_SEGMENT_BYTES = 134_217_728;

  /** {@code min.compaction.lag.ms} of the catalogue topic: 1 hour. */
  public static final long CATALOG_MIN_COMPACTION_LAG_MS = 3_600_000L;

  private TopicCreator() {}

  /**
   * The configuration of a topic of the catalogue.
   *
   * @param topic the topic
   * @return Kafka topic configs (name to value), see the class comment
   */
  public static Map<String, String> topicConfigs(Topic topic) {
    if (topic.cleanupPolicy() == Topic.CleanupPolicy.COMPACT) {
      return Map.of(
          TopicConfig.CLEANUP_POLICY_CONFIG,
          TopicConfig.CLEANUP_POLICY_COMPACT,
          TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
          Long.toString(CATALOG_MIN_COMPACTION_LAG_MS));
    }
    return Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
        TopicConfig.RETENTION_MS_CONFIG, Long.toString(EVENT_RETENTION_MS),
        TopicConfig.RETENTION_BYTES_CONFIG, Long.toString(EVENT_RETENTION_BYTES),
        TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(EVENT_SEGMENT_BYTES));
  }

  /** The topics the local stack needs, as Kafka admin requests. */
  public static List<NewTopic> requiredTopics() {
    List<NewTopic> topics = new ArrayList<>();
    for (Topic t : Topic.all()) {
      topics.add(new NewTopic(t.topicName(), t.partitions(), (short) 1).configs(topicConfigs(t)));
    }
    topics.add(
        new NewTopic(Topics.SCHEMAS, 1, (short) 1)
            .configs(
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    return topics;
  }

  /**
   * Creates every missing required topic and sets the configuration of those that existed.
   *
   * @param bootstrapServers e.g. {@code 127.0.0.1:9092}
   * @return the names of the topics created now (empty when all existed)
   * @throws IllegalStateException when the broker cannot be reached within 30 s or refuses
   */
  public static List<String> ensureTopics(String bootstrapServers) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing =
          requiredTopics().stream().filter(t -> !existing.contains(t.name())).toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      }
      Map<ConfigResource, Collection<AlterConfigOp>> updates = new HashMap<>();
      for (NewTopic t : requiredTopics()) {
        if (existing.contains(t.name())) {
          updates.put(
              new ConfigResource(ConfigResource.Type.TOPIC, t.name()),
              t.configs().entrySet().stream()
                  .map(
                      e ->
                          new AlterConfigOp(
                              new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                  .toList());
        }
      }
      if (!updates.isEmpty()) {
        admin.incrementalAlterConfigs(updates).all().get(30, TimeUnit.SECONDS);
      }
      List<String> created = missing.stream().map(NewTopic::name).toList();
      LOG.info(
          "Topics on {}: created {}, configuration set on {} already there",
          bootstrapServers,
          created,
          updates.size());
      return created;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topics on " + bootstrapServers + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
