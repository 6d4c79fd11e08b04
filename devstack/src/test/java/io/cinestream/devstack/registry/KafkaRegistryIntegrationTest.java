package io.cinestream.devstack.registry;

import static io.cinestream.devstack.registry.Schemas.OTHER;
import static io.cinestream.devstack.registry.Schemas.V1;
import static io.cinestream.devstack.registry.Schemas.WITH_INT_YEAR;
import static io.cinestream.devstack.registry.Schemas.WITH_OPTIONAL_TITLE;
import static io.cinestream.devstack.registry.Schemas.WITH_REQUIRED_RATING;
import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.devstack.TestPorts;
import io.cinestream.devstack.kafka.KafkaBroker;
import io.cinestream.devstack.kafka.TopicCreator;
import io.cinestream.devstack.registry.RegistryHttp.Answer;
import io.cinestream.schemas.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry on a real KRaft broker with its state in {@code _schemas}: ids, versions, configs
 * and deletes survive a restart (a new server replaying the topic). One broker for the class; each
 * test uses its own subjects, and ids are asserted relative to what the topic already holds.
 */
class KafkaRegistryIntegrationTest {

  @TempDir static Path dataDir;

  private static KafkaBroker broker;

  @BeforeAll
  static void startBroker() throws IOException {
    broker =
        KafkaBroker.start(dataDir.resolve("kafka"), TestPorts.freePort(), TestPorts.freePort());
    List<String> created = TopicCreator.ensureTopics(broker.bootstrapServers());
    assertThat(created).contains(Topics.SCHEMAS);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private static SchemaRegistryServer startRegistry() {
    return SchemaRegistryServer.start(
        RegistryConfig.defaults().withPort(0).withBootstrapServers(broker.bootstrapServers()));
  }

  @Test
  void idsVersionsAndConfigSurviveARestart() {
    int v1Id;
    int titleId;
    int otherId;
    try (SchemaRegistryServer first = startRegistry()) {
      RegistryHttp http = new RegistryHttp(first.url());
      v1Id = http.registerOk("restart-movies-value", V1);
      titleId = http.registerOk("restart-movies-value", WITH_OPTIONAL_TITLE);
      otherId = http.registerOk("restart-carts-value", OTHER);
      assertThat(http.registerOk("restart-copy-value", V1)).isEqualTo(v1Id);
      http.put("/config/restart-carts-value", "{\"compatibility\":\"FULL_TRANSITIVE\"}");
      http.delete("/subjects/restart-copy-value");
    }

    try (SchemaRegistryServer second = startRegistry()) {
      RegistryHttp http = new RegistryHttp(second.url());
      assertThat(http.get("/subjects/restart-movies-value/versions").raw()).isEqualTo("[1,2]");
      Answer latest = http.get("/subjects/restart-movies-value/versions/latest");
      assertThat(latest.json().get("version").asInt()).isEqualTo(2);
      assertThat(latest.json().get("id").asInt()).isEqualTo(titleId);
      assertThat(http.get("/subjects/restart-movies-value/versions/1").json().get("id").asInt())
          .isEqualTo(v1Id);
      assertThat(http.get("/schemas/ids/" + otherId).json().get("schema").asText())
          .contains("cart_id");
      assertThat(http.get("/config/restart-carts-value").raw())
          .isEqualTo("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
      assertThat(http.get("/subjects").json().toString())
          .contains("restart-movies-value", "restart-carts-value")
          .doesNotContain("restart-copy-value");
      // Registering again after the restart finds the existing id instead of minting one.
      assertThat(http.registerOk("restart-movies-value", V1)).isEqualTo(v1Id);
      assertThat(http.get("/subjects/restart-movies-value/versions").raw()).isEqualTo("[1,2]");
      // A new schema takes an id above every id handed out before the restart.
      int newId = http.registerOk("restart-years-value", WITH_INT_YEAR);
      assertThat(newId).isGreaterThan(Math.max(v1Id, Math.max(titleId, otherId)));
    }
  }

  @Test
  void aRestartedRegistryStillRefusesAnIncompatibleSchema() {
    int v1Id;
    try (SchemaRegistryServer first = startRegistry()) {
      v1Id = new RegistryHttp(first.url()).registerOk("strict-movies-value", V1);
    }
    try (SchemaRegistryServer second = startRegistry()) {
      RegistryHttp http = new RegistryHttp(second.url());
      Answer refused = http.register("strict-movies-value", WITH_REQUIRED_RATING);
      assertThat(refused.status()).isEqualTo(409);
      assertThat(refused.errorCode()).isEqualTo(409);
      assertThat(refused.message()).contains("strict-movies-value", "rating");
      assertThat(http.get("/subjects/strict-movies-value/versions").raw()).isEqualTo("[1]");
      assertThat(http.get("/subjects/strict-movies-value/versions/1").json().get("id").asInt())
          .isEqualTo(v1Id);
    }
  }
}
