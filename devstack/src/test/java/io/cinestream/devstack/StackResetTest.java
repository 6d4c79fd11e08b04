package io.cinestream.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.devstack.StackReset.Item;
import io.cinestream.devstack.kafka.KafkaBroker;
import io.cinestream.devstack.kafka.TopicCreator;
import io.cinestream.devstack.postgres.EmbeddedWarehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StackReset} against a real in-process KRaft broker and a real PostgreSQL. */
class StackResetTest {

  @TempDir static Path dataDir;
  private static KafkaBroker broker;
  private static EmbeddedWarehouse warehouse;

  @BeforeAll
  static void start() throws Exception {
    broker =
        KafkaBroker.start(dataDir.resolve("kafka"), TestPorts.freePort(), TestPorts.freePort());
    TopicCreator.ensureTopics(broker.bootstrapServers());
    warehouse = EmbeddedWarehouse.start(dataDir.resolve("pg"), TestPorts.freePort());
  }

  @AfterAll
  static void stop() throws IOException {
    if (broker != null) {
      broker.close();
    }
    if (warehouse != null) {
      warehouse.close();
    }
  }

  @Test
  void deletesTheTopicsThatHoldRecordsAndTheirGroupsThenRecreatesThemEmptyAndCompacted()
      throws Exception {
    String bootstrap = broker.bootstrapServers();
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>("sign_in", "1", "a")).get();
      producer.send(new ProducerRecord<>("sign_in", "2", "b")).get();
      producer.send(new ProducerRecord<>("sign_in", "3", "c")).get();
      producer.send(new ProducerRecord<>("movies_catalog_enriched", "m", "x")).get();
    }
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "cinestream-flink-session-metrics");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
      consumer.assign(List.of(new TopicPartition("sign_in", 0)));
      consumer.commitSync(Map.of(new TopicPartition("sign_in", 0), new OffsetAndMetadata(1)));
    }

    List<Item> planned = StackReset.kafka(bootstrap, false);
    assertThat(planned)
        .containsExactly(
            new Item("topic", "movies_catalog_enriched", 1),
            new Item("topic", "sign_in", 3),
            new Item("group", "cinestream-flink-session-metrics", 0));
    assertThat(StackReset.kafka(bootstrap, true)).isEqualTo(planned);

    assertThat(StackReset.kafka(bootstrap, false)).isEmpty();
    Properties a = new Properties();
    a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(a)) {
      TopicDescription signIn =
          admin.describeTopics(List.of("sign_in")).allTopicNames().get().get("sign_in");
      assertThat(signIn.partitions()).hasSize(2);
      assertThat(
              admin
                  .listOffsets(Map.of(new TopicPartition("sign_in", 0), OffsetSpec.latest()))
                  .all()
                  .get()
                  .get(new TopicPartition("sign_in", 0))
                  .offset())
          .isZero();
      ConfigResource catalogue =
          new ConfigResource(ConfigResource.Type.TOPIC, "movies_catalog_enriched");
      assertThat(
              admin
                  .describeConfigs(List.of(catalogue))
                  .all()
                  .get()
                  .get(catalogue)
                  .get("cleanup.policy")
                  .value())
          .isEqualTo("compact");
      assertThat(admin.listTopics().names().get()).contains("_schemas");
    }
  }

  @Test
  void truncatesTheMigrationsTablesThatHoldRowsAndDropsDbtSchemasButKeepsFlywayHistory()
      throws Exception {
    String url = warehouse.jdbcUrl();
    try (Connection conn = DriverManager.getConnection(url);
        Statement st = conn.createStatement()) {
      st.execute(
          "INSERT INTO orphan_sign_outs (engine, minute, orphan_count) VALUES"
              + " ('flink', '2026-01-05T00:01:00Z', 2), ('spark', '2026-01-05T00:01:00Z', 2)");
      st.execute("CREATE SCHEMA analytics");
      st.execute("CREATE TABLE analytics.dim_user (user_id int)");
      st.execute("CREATE VIEW analytics.stg_x AS SELECT 1 AS one");
      st.execute("CREATE SCHEMA analytics_dbt_test__audit");
      st.execute("CREATE SCHEMA analyticsx");
      st.execute("CREATE SCHEMA kept");
    }

    List<Item> planned = StackReset.warehouse(url, "analytics", false);
    assertThat(planned)
        .containsExactly(
            new Item("table", "orphan_sign_outs", 2),
            new Item("schema", "analytics", 2),
            new Item("schema", "analytics_dbt_test__audit", 0));
    assertThat(StackReset.warehouse(url, "analytics", true)).isEqualTo(planned);
    assertThat(StackReset.warehouse(url, "analytics", false)).isEmpty();

    try (Connection conn = DriverManager.getConnection(url);
        Statement st = conn.createStatement()) {
      try (ResultSet rs =
          st.executeQuery(
              "SELECT string_agg(nspname, ',' ORDER BY nspname) FROM pg_namespace"
                  + " WHERE nspname IN ('analytics', 'analytics_dbt_test__audit', 'analyticsx',"
                  + " 'kept')")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("analyticsx,kept");
      }
      try (ResultSet rs =
          st.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
        rs.next();
        assertThat(rs.getLong(1)).isGreaterThanOrEqualTo(4);
      }
    }
    assertThat(EmbeddedWarehouse.migrate(url)).isZero();
  }
}
