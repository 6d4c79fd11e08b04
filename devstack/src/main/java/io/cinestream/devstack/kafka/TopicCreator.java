package io.cinestream.devstack.kafka;

import io.cinestream.schemas.Topic;
import io.cinestream.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics of docs/architecture.md#topics-and-schemas ({@link Topic}) and the registry's
 * {@code _schemas} topic when they are missing: partitions from the catalogue, replication factor
 * 1, {@code cleanup.policy=compact} for the catalogue and {@code _schemas}. Idempotent.
 */
public final class TopicCreator {

  private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);

  private TopicCreator() {}

  /** The topics the local stack needs, as Kafka admin requests. */
  public static List<NewTopic> requiredTopics() {
    List<NewTopic> topics = new ArrayList<>();
    for (Topic t : Topic.all()) {
      topics.add(
          new NewTopic(t.topicName(), t.partitions(), (short) 1)
              .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, t.cleanupPolicy().configValue())));
    }
    topics.add(
        new NewTopic(Topics.SCHEMAS, 1, (short) 1)
            .configs(
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    return topics;
  }

  /**
   * Creates every missing required topic.
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
      List<String> created = missing.stream().map(NewTopic::name).toList();
      LOG.info(
          "Topics on {}: created {}, {} already there", bootstrapServers, created, existing.size());
      return created;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topics on " + bootstrapServers + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
