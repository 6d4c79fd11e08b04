package io.cinestream.devstack.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.devstack.TestPorts;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TopicCreator}'s retention settings, read back from a real KRaft broker's topic
 * configuration (describeConfigs), on created topics and on a topic that existed without them.
 */
class TopicCreatorTest {

  @TempDir static Path dataDir;

  private static KafkaBroker broker;
  private static Admin admin;

  @BeforeAll
  static void startBroker() throws Exception {
    broker =
        KafkaBroker.start(dataDir.resolve("kafka"), TestPorts.freePort(), TestPorts.freePort());
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    admin = Admin.create(props);
    // A stack made before the retention settings: sign_in exists with the broker's defaults.
    admin
        .createTopics(List.of(new NewTopic("sign_in", 2, (short) 1)))
        .all()
        .get(30, TimeUnit.SECONDS);
    List<String> created = TopicCreator.ensureTopics(broker.bootstrapServers());
    assertThat(created).hasSize(Topic.all().size()).doesNotContain("sign_in");
  }

  @AfterAll
  static void stopBroker() {
    if (admin != null) {
      admin.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  /**
   * The topic's configuration once the broker shows the altered one: a broker serves
   * describeConfigs from its metadata, which follows the controller's change a moment later (seen
   * under load), so it is read until {@code segment.bytes} (set on every topic changed) is not the
   * default, for at most 30 s.
   */
  private static Config config(String topic) throws Exception {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Config c = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
      boolean settled =
          !c.get("cleanup.policy").value().equals("delete")
              || !c.get("segment.bytes").value().equals("1073741824");
      if (settled || System.nanoTime() > deadline) {
        return c;
      }
      Thread.sleep(200);
    }
  }

  private static String value(Config c, String name) {
    return c.get(name).value();
  }

  @Test
  void eventTopicsKeepSevenDaysAndOneGibPerPartitionIncludingOneThatExistedBefore()
      throws Exception {
    for (Topic t : Topic.events()) {
      Config c = config(t.topicName());
      assertThat(value(c, "cleanup.policy")).as(t.topicName()).isEqualTo("delete");
      assertThat(value(c, "retention.ms"))
          .as(t.topicName())
          .isEqualTo("604800000"); // 7*24*3600*1000
      assertThat(value(c, "retention.bytes")).as(t.topicName()).isEqualTo("1073741824"); // 1 GiB
      assertThat(value(c, "segment.bytes")).as(t.topicName()).isEqualTo("134217728"); // 128 MiB
    }
  }

  @Test
  void theCatalogueAndTheSchemasAreCompactedAndKeptForEver() throws Exception {
    Config catalogue = config(Topic.MOVIES_CATALOG_ENRICHED.topicName());
    assertThat(value(catalogue, "cleanup.policy")).isEqualTo("compact");
    assertThat(value(catalogue, "min.compaction.lag.ms")).isEqualTo("3600000");
    Config schemas = config(Topics.SCHEMAS);
    assertThat(value(schemas, "cleanup.policy")).isEqualTo("compact");
  }

  @Test
  void aSecondRunCreatesNothingAndKeepsTheSettings() throws Exception {
    assertThat(TopicCreator.ensureTopics(broker.bootstrapServers())).isEmpty();
    assertThat(value(config("item_view"), "retention.ms")).isEqualTo("604800000");
    assertThat(TopicCreator.topicConfigs(Topic.ITEM_VIEW))
        .isEqualTo(
            Map.of(
                "cleanup.policy", "delete",
                "retention.ms", "604800000",
                "retention.bytes", "1073741824",
                "segment.bytes", "134217728"));
  }
}
