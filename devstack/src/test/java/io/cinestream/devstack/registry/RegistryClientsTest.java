package io.cinestream.devstack.registry;

import static io.cinestream.devstack.registry.Schemas.OTHER;
import static io.cinestream.devstack.registry.Schemas.V1;
import static io.cinestream.devstack.registry.Schemas.WITH_OPTIONAL_TITLE;
import static io.cinestream.devstack.registry.Schemas.WITH_REQUIRED_RATING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinestream.schemas.serde.CachingSchemaRegistryClient;
import io.cinestream.schemas.serde.RegistryException;
import org.apache.avro.Schema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaMetadata;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real clients against the server: ours ({@link CachingSchemaRegistryClient}) and Confluent's
 * {@code CachedSchemaRegistryClient} as shaded in Flink's {@code
 * flink-sql-avro-confluent-registry}.
 */
class RegistryClientsTest {

  private SchemaRegistryServer server;

  @BeforeEach
  void start() {
    server =
        SchemaRegistryServer.start(RegistryConfig.defaults().withPort(0), new InMemorySchemaLog());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void ourCachingClientRegistersAndFetchesById() {
    CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(server.url());
    Schema v1 = new Schema.Parser().parse(V1);
    int id = client.register("movies-value", v1);
    assertThat(id).isEqualTo(1);
    assertThat(client.register("other-value", new Schema.Parser().parse(OTHER))).isEqualTo(2);

    // A fresh client has no cache: the schema really comes from the server.
    Schema fetched = new CachingSchemaRegistryClient(server.url()).getById(id);
    assertThat(fetched).isEqualTo(v1);
    assertThat(fetched.getFullName()).isEqualTo("io.cinestream.test.Movie");
  }

  @Test
  void ourCachingClientSeesConfluentErrorCodes() {
    CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(server.url());
    client.register("movies-value", new Schema.Parser().parse(V1));
    assertThatThrownBy(
            () -> client.register("movies-value", new Schema.Parser().parse(WITH_REQUIRED_RATING)))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(RegistryException.INCOMPATIBLE_SCHEMA));
    assertThatThrownBy(() -> client.getById(42))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(RegistryException.SCHEMA_NOT_FOUND);
              assertThat(e.isNotFound()).isTrue();
            });
  }

  @Test
  void confluentsJavaClientRegistersFetchesAndChecksCompatibility() throws Exception {
    CachedSchemaRegistryClient confluent = new CachedSchemaRegistryClient(server.url(), 10);
    int id = confluent.register("movies-value", new AvroSchema(V1));
    assertThat(id).isEqualTo(1);
    assertThat(confluent.register("movies-value", new AvroSchema(WITH_OPTIONAL_TITLE)))
        .isEqualTo(2);

    CachedSchemaRegistryClient fresh = new CachedSchemaRegistryClient(server.url(), 10);
    assertThat(fresh.getSchemaById(1).canonicalString())
        .isEqualTo(new AvroSchema(V1).canonicalString());
    SchemaMetadata latest = fresh.getLatestSchemaMetadata("movies-value");
    assertThat(latest.getId()).isEqualTo(2);
    assertThat(latest.getVersion()).isEqualTo(2);
    assertThat(fresh.getVersion("movies-value", new AvroSchema(V1))).isEqualTo(1);
    assertThat(fresh.testCompatibility("movies-value", new AvroSchema(WITH_REQUIRED_RATING)))
        .isFalse();
    assertThatThrownBy(() -> fresh.register("movies-value", new AvroSchema(WITH_REQUIRED_RATING)))
        .isInstanceOfSatisfying(
            RestClientException.class, e -> assertThat(e.getStatus()).isEqualTo(409));
    assertThatThrownBy(() -> fresh.getSchemaById(99))
        .isInstanceOfSatisfying(
            RestClientException.class, e -> assertThat(e.getErrorCode()).isEqualTo(40403));
  }
}
