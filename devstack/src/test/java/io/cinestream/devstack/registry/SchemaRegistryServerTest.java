package io.cinestream.devstack.registry;

import static io.cinestream.devstack.registry.Schemas.OTHER;
import static io.cinestream.devstack.registry.Schemas.V1;
import static io.cinestream.devstack.registry.Schemas.V1_SPACED;
import static io.cinestream.devstack.registry.Schemas.WITH_INT_YEAR;
import static io.cinestream.devstack.registry.Schemas.WITH_OPTIONAL_TITLE;
import static io.cinestream.devstack.registry.Schemas.WITH_REQUIRED_RATING;
import static io.cinestream.devstack.registry.Schemas.WITH_STRING_YEAR;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cinestream.devstack.registry.RegistryHttp.Answer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST API on an in-memory log: Confluent's answers, rules and error codes. */
class SchemaRegistryServerTest {

  private static final int MAX_BODY = 64 * 1024;

  private InMemorySchemaLog log;
  private SchemaRegistryServer server;
  private RegistryHttp http;

  @BeforeEach
  void start() {
    log = new InMemorySchemaLog();
    server = startOn(log);
    http = new RegistryHttp(server.url());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static SchemaRegistryServer startOn(SchemaLog log) {
    return SchemaRegistryServer.start(
        RegistryConfig.defaults().withPort(0).withMaxRequestBytes(MAX_BODY), log);
  }

  private static String canonical(String schema) {
    return new Schema.Parser().parse(schema).toString();
  }

  @Test
  void registersLooksUpAndServesASchemaByIdAndVersion() {
    Answer registered = http.register("movies-value", V1);
    assertThat(registered.status()).isEqualTo(200);
    assertThat(registered.contentType()).startsWith(RegistryHttp.CONTENT_TYPE);
    assertThat(registered.json().get("id").asInt()).isEqualTo(1);

    Answer byId = http.get("/schemas/ids/1");
    assertThat(byId.status()).isEqualTo(200);
    assertThat(byId.json().get("schema").asText()).isEqualTo(canonical(V1));

    Answer lookup = http.post("/subjects/movies-value", RegistryHttp.schemaBody(V1_SPACED));
    assertThat(lookup.status()).isEqualTo(200);
    assertThat(lookup.json().get("subject").asText()).isEqualTo("movies-value");
    assertThat(lookup.json().get("id").asInt()).isEqualTo(1);
    assertThat(lookup.json().get("version").asInt()).isEqualTo(1);
    assertThat(lookup.json().get("schema").asText()).isEqualTo(canonical(V1));

    assertThat(http.registerOk("movies-value", WITH_OPTIONAL_TITLE)).isEqualTo(2);
    assertThat(http.get("/subjects").json()).containsExactly(text("movies-value"));
    assertThat(http.get("/subjects/movies-value/versions").raw()).isEqualTo("[1,2]");

    JsonNode latest = http.get("/subjects/movies-value/versions/latest").json();
    assertThat(latest.get("subject").asText()).isEqualTo("movies-value");
    assertThat(latest.get("version").asInt()).isEqualTo(2);
    assertThat(latest.get("id").asInt()).isEqualTo(2);
    assertThat(latest.get("schema").asText()).isEqualTo(canonical(WITH_OPTIONAL_TITLE));
    assertThat(http.get("/subjects/movies-value/versions/1").json().get("id").asInt()).isEqualTo(1);
    assertThat(http.get("/subjects/movies-value/versions/-1").json().get("version").asInt())
        .isEqualTo(2);
    assertThat(http.get("/subjects/movies-value/versions/2/schema").raw())
        .isEqualTo(canonical(WITH_OPTIONAL_TITLE));
    assertThat(http.get("/schemas/ids/2/versions").raw())
        .isEqualTo("[{\"subject\":\"movies-value\",\"version\":2}]");
  }

  @Test
  void sameSchemaAgainGetsTheSameIdWithoutANewVersion() {
    int id = http.registerOk("movies-value", V1);
    assertThat(http.registerOk("movies-value", V1_SPACED)).isEqualTo(id);
    assertThat(http.get("/subjects/movies-value/versions").raw()).isEqualTo("[1]");
    assertThat(log.size()).isEqualTo(1);
  }

  @Test
  void sameSchemaUnderTwoSubjectsGetsOneGlobalId() {
    int first = http.registerOk("a-value", V1);
    int other = http.registerOk("b-value", OTHER);
    int second = http.registerOk("c-value", V1_SPACED);
    assertThat(second).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
    assertThat(http.get("/subjects/c-value/versions/latest").json().get("version").asInt())
        .isEqualTo(1);
    assertThat(http.get("/schemas/ids/" + first + "/subjects").raw())
        .isEqualTo("[\"a-value\",\"c-value\"]");
  }

  @Test
  void backwardRefusesANewRequiredFieldWith409AndKeepsTheSubjectUnchanged() {
    http.registerOk("movies-value", V1);
    Answer refused = http.register("movies-value", WITH_REQUIRED_RATING);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo(409);
    assertThat(refused.message())
        .contains("incompatible", "movies-value", "BACKWARD")
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
        .contains("rating");
    assertThat(http.get("/subjects/movies-value/versions").raw()).isEqualTo("[1]");

    Answer test =
        http.post(
            "/compatibility/subjects/movies-value/versions/latest?verbose=true",
            RegistryHttp.schemaBody(WITH_REQUIRED_RATING));
    assertThat(test.json().get("is_compatible").asBoolean()).isFalse();
    assertThat(test.json().get("messages").get(0).asText()).contains("rating");
    Answer ok =
        http.post(
            "/compatibility/subjects/movies-value/versions/1",
            RegistryHttp.schemaBody(WITH_OPTIONAL_TITLE));
    assertThat(ok.raw()).isEqualTo("{\"is_compatible\":true}");
  }

  @Test
  void forwardAcceptsANewRequiredFieldButRefusesDroppingOne() {
    assertThat(http.put("/config/movies-value", "{\"compatibility\":\"FORWARD\"}").raw())
        .isEqualTo("{\"compatibility\":\"FORWARD\"}");
    http.registerOk("movies-value", V1);
    // Old readers skip a field they do not know: adding a required field is fine under FORWARD.
    assertThat(http.register("movies-value", WITH_REQUIRED_RATING).status()).isEqualTo(200);
    // Version 2 needs 'rating' and has no default for it: data written without it breaks it.
    Answer refused = http.register("movies-value", WITH_INT_YEAR);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.message()).contains("FORWARD", "version 2", "rating");
    assertThat(http.get("/config/movies-value").raw())
        .isEqualTo("{\"compatibilityLevel\":\"FORWARD\"}");
  }

  @Test
  void fullNeedsBothDirectionsAndNoneAcceptsAnything() {
    http.put("/config/full-value", "{\"compatibility\":\"full\"}");
    http.registerOk("full-value", V1);
    assertThat(http.register("full-value", WITH_REQUIRED_RATING).status()).isEqualTo(409);
    assertThat(http.register("full-value", WITH_OPTIONAL_TITLE).status()).isEqualTo(200);

    http.put("/config/none-value", "{\"compatibility\":\"NONE\"}");
    http.registerOk("none-value", V1);
    http.registerOk("none-value", OTHER);
    assertThat(http.get("/subjects/none-value/versions").raw()).isEqualTo("[1,2]");
  }

  @Test
  void transitiveModeChecksEveryVersionNotOnlyTheLatest() {
    // int year -> no year -> string year: each step is backward compatible with the one before,
    // but a string year cannot read data written with the int year of version 1.
    http.registerOk("plain-value", WITH_INT_YEAR);
    http.registerOk("plain-value", V1);
    assertThat(http.register("plain-value", WITH_STRING_YEAR).status()).isEqualTo(200);

    http.put("/config/transitive-value", "{\"compatibility\":\"BACKWARD_TRANSITIVE\"}");
    http.registerOk("transitive-value", WITH_INT_YEAR);
    http.registerOk("transitive-value", V1);
    Answer refused = http.register("transitive-value", WITH_STRING_YEAR);
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.message())
        .contains("BACKWARD_TRANSITIVE", "version 1", "TYPE_MISMATCH", "/fields/1/type");
    assertThat(http.get("/subjects/transitive-value/versions").raw()).isEqualTo("[1,2]");
  }

  @Test
  void globalConfigDefaultsToBackwardAndCanBeChanged() {
    assertThat(http.get("/config").raw()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    assertThat(http.put("/config", "{\"compatibility\":\"NONE\"}").raw())
        .isEqualTo("{\"compatibility\":\"NONE\"}");
    assertThat(http.get("/config").raw()).isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
    http.registerOk("movies-value", V1);
    assertThat(http.register("movies-value", WITH_REQUIRED_RATING).status()).isEqualTo(200);

    Answer noSubjectLevel = http.get("/config/movies-value");
    assertThat(noSubjectLevel.status()).isEqualTo(404);
    assertThat(noSubjectLevel.errorCode()).isEqualTo(40408);
    assertThat(http.get("/config/movies-value?defaultToGlobal=true").raw())
        .isEqualTo("{\"compatibilityLevel\":\"NONE\"}");

    http.put("/config/movies-value", "{\"compatibility\":\"FULL\"}");
    assertThat(http.delete("/config/movies-value").raw())
        .isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
    assertThat(http.get("/config/movies-value").errorCode()).isEqualTo(40408);
  }

  @Test
  void invalidCompatibilityLevelIs42203() {
    Answer global = http.put("/config", "{\"compatibility\":\"SIDEWAYS\"}");
    assertThat(global.status()).isEqualTo(422);
    assertThat(global.errorCode()).isEqualTo(42203);
    assertThat(global.message()).contains("SIDEWAYS", "backward_transitive");
    assertThat(http.put("/config/x-value", "{}").errorCode()).isEqualTo(42203);
    assertThat(http.get("/config").json().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
  }

  @Test
  void softDeleteHidesVersionsButKeepsIdsResolvableAndNumbersUnused() {
    int id1 = http.registerOk("movies-value", V1);
    http.registerOk("movies-value", WITH_OPTIONAL_TITLE);

    assertThat(http.delete("/subjects/movies-value/versions/2").raw()).isEqualTo("2");
    assertThat(http.get("/subjects/movies-value/versions").raw()).isEqualTo("[1]");
    assertThat(http.get("/subjects/movies-value/versions?deleted=true").raw()).isEqualTo("[1,2]");
    assertThat(http.get("/subjects/movies-value/versions/2").errorCode()).isEqualTo(40402);
    assertThat(http.delete("/subjects/movies-value/versions/2").errorCode()).isEqualTo(40406);

    assertThat(http.delete("/subjects/movies-value").raw()).isEqualTo("[1]");
    assertThat(http.get("/subjects").raw()).isEqualTo("[]");
    assertThat(http.get("/subjects?deleted=true").raw()).isEqualTo("[\"movies-value\"]");
    assertThat(http.get("/subjects/movies-value/versions").errorCode()).isEqualTo(40401);
    assertThat(http.delete("/subjects/movies-value").errorCode()).isEqualTo(40404);
    assertThat(http.delete("/subjects/movies-value?permanent=true").errorCode()).isEqualTo(42205);
    // Data written with a deleted schema must stay readable.
    assertThat(http.get("/schemas/ids/" + id1).json().get("schema").asText())
        .isEqualTo(canonical(V1));

    // Deleted versions take no part in compatibility: this would be refused against V1.
    assertThat(http.registerOk("movies-value", WITH_REQUIRED_RATING)).isEqualTo(3);
    assertThat(http.get("/subjects/movies-value/versions").raw()).isEqualTo("[3]");
    // Re-registering a deleted schema: the same global id, a fresh version number.
    assertThat(http.registerOk("movies-value", V1)).isEqualTo(id1);
    assertThat(http.get("/subjects/movies-value/versions").raw()).isEqualTo("[3,4]");
  }

  @Test
  void notFoundAnswersCarryConfluentCodes() {
    Answer subject = http.get("/subjects/nope-value/versions");
    assertThat(subject.status()).isEqualTo(404);
    assertThat(subject.errorCode()).isEqualTo(40401);
    assertThat(subject.message()).isEqualTo("Subject 'nope-value' not found.");
    assertThat(http.get("/subjects/nope-value/versions/latest").errorCode()).isEqualTo(40401);
    assertThat(http.post("/subjects/nope-value", RegistryHttp.schemaBody(V1)).errorCode())
        .isEqualTo(40401);

    http.registerOk("movies-value", V1);
    Answer version = http.get("/subjects/movies-value/versions/7");
    assertThat(version.status()).isEqualTo(404);
    assertThat(version.errorCode()).isEqualTo(40402);
    assertThat(version.message()).isEqualTo("Version 7 not found.");
    Answer schema = http.post("/subjects/movies-value", RegistryHttp.schemaBody(OTHER));
    assertThat(schema.errorCode()).isEqualTo(40403);
    assertThat(schema.message()).isEqualTo("Schema not found");
    Answer id = http.get("/schemas/ids/999");
    assertThat(id.status()).isEqualTo(404);
    assertThat(id.errorCode()).isEqualTo(40403);
    assertThat(id.message()).isEqualTo("Schema 999 not found");

    Answer badVersion = http.get("/subjects/movies-value/versions/zero");
    assertThat(badVersion.status()).isEqualTo(422);
    assertThat(badVersion.errorCode()).isEqualTo(42202);
    assertThat(http.get("/subjects/movies-value/versions/0").errorCode()).isEqualTo(42202);

    Answer noRoute = http.get("/no/such/endpoint");
    assertThat(noRoute.status()).isEqualTo(404);
    assertThat(noRoute.errorCode()).isEqualTo(404);
  }

  @Test
  void invalidSchemasAre42201AndTheServerKeepsServing() {
    Answer notJson = http.register("movies-value", "this is not json");
    assertThat(notJson.status()).isEqualTo(422);
    assertThat(notJson.errorCode()).isEqualTo(42201);
    assertThat(notJson.message()).startsWith("Invalid schema");

    Answer noFields = http.register("movies-value", "{\"type\":\"record\",\"name\":\"X\"}");
    assertThat(noFields.errorCode()).isEqualTo(42201);
    assertThat(noFields.message()).contains("fields");

    Answer badDefault =
        http.register(
            "movies-value",
            "{\"type\":\"record\",\"name\":\"X\",\"fields\":"
                + "[{\"name\":\"n\",\"type\":\"int\",\"default\":\"x\"}]}");
    assertThat(badDefault.errorCode()).isEqualTo(42201);

    Answer protobuf =
        http.post(
            "/subjects/movies-value/versions",
            "{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\"}");
    assertThat(protobuf.errorCode()).isEqualTo(42201);
    assertThat(protobuf.message()).contains("PROTOBUF");

    Answer missing = http.post("/subjects/movies-value/versions", "{}");
    assertThat(missing.errorCode()).isEqualTo(42201);

    assertThat(http.registerOk("movies-value", V1)).isEqualTo(1);
    assertThat(log.size()).isEqualTo(1);
  }

  @Test
  void malformedBodiesWrongTypesAndHugeBodiesGetConfluentErrorsAndTheServerKeepsServing() {
    Answer malformed = http.post("/subjects/movies-value/versions", "{\"schema\": ");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.errorCode()).isEqualTo(400);
    assertThat(malformed.message()).startsWith("Malformed JSON request body");
    assertThat(malformed.raw()).doesNotContain("at io.", "at com.");

    assertThat(http.post("/subjects/movies-value/versions", "[1,2]").errorCode()).isEqualTo(400);
    assertThat(http.post("/subjects/movies-value/versions", "").errorCode()).isEqualTo(400);
    assertThat(http.post("/subjects/movies-value/versions", "{\"schema\": 42}").errorCode())
        .isEqualTo(422);

    Answer wrongType =
        http.post("/subjects/movies-value/versions", RegistryHttp.schemaBody(V1), "text/plain");
    assertThat(wrongType.status()).isEqualTo(415);
    assertThat(wrongType.errorCode()).isEqualTo(415);

    String huge = RegistryHttp.schemaBody("x".repeat(MAX_BODY + 1));
    Answer tooLarge = http.register("movies-value", huge);
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.errorCode()).isEqualTo(413);

    for (String type : List.of("application/json", "application/octet-stream")) {
      Answer accepted =
          http.post("/subjects/movies-value/versions", RegistryHttp.schemaBody(V1), type);
      assertThat(accepted.status()).as(type).isEqualTo(200);
      assertThat(accepted.json().get("id").asInt()).isEqualTo(1);
    }
    assertThat(http.get("/subjects").raw()).isEqualTo("[\"movies-value\"]");
  }

  @Test
  void concurrentRegistrationsOfOneSchemaGetOneIdAndOneVersion() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    Set<Integer> ids = ConcurrentHashMap.newKeySet();
    List<Future<Integer>> results = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        String subject = i % 2 == 0 ? "even-value" : "odd-value";
        Callable<Integer> call =
            () -> {
              go.await();
              int id = http.registerOk(subject, V1);
              ids.add(id);
              return id;
            };
        results.add(pool.submit(call));
      }
      go.countDown();
      for (Future<Integer> f : results) {
        assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(ids).containsExactly(1);
    assertThat(http.get("/subjects/even-value/versions").raw()).isEqualTo("[1]");
    assertThat(http.get("/subjects/odd-value/versions").raw()).isEqualTo("[1]");
    assertThat(log.size()).isEqualTo(2);
  }

  @Test
  void aNewServerOnTheSameLogHasTheSameIdsVersionsAndConfig() {
    http.registerOk("movies-value", V1);
    http.registerOk("movies-value", WITH_OPTIONAL_TITLE);
    http.registerOk("carts-value", OTHER);
    http.put("/config/carts-value", "{\"compatibility\":\"NONE\"}");
    http.put("/config", "{\"compatibility\":\"FULL\"}");
    server.close();

    server = startOn(log);
    http = new RegistryHttp(server.url());
    assertThat(http.get("/subjects").raw()).isEqualTo("[\"carts-value\",\"movies-value\"]");
    assertThat(http.get("/subjects/movies-value/versions/latest").json().get("id").asInt())
        .isEqualTo(2);
    assertThat(http.get("/config").raw()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
    assertThat(http.get("/config/carts-value").raw())
        .isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
    // The next new schema takes the next id, never one handed out before the restart.
    assertThat(http.registerOk("years-value", WITH_INT_YEAR)).isEqualTo(4);
    assertThat(http.registerOk("copy-value", V1)).isEqualTo(1);
  }

  @Test
  void aFailedLogWriteIs50001AndChangesNothing() {
    SchemaLog failing =
        new SchemaLog() {
          @Override
          public List<Entry> readAll() {
            return List.of();
          }

          @Override
          public void append(Entry entry) {
            throw new SchemaLogException("broker down", null);
          }

          @Override
          public void close() {}
        };
    try (SchemaRegistryServer broken = startOn(failing)) {
      RegistryHttp client = new RegistryHttp(broken.url());
      Answer failed = client.register("movies-value", V1);
      assertThat(failed.status()).isEqualTo(500);
      assertThat(failed.errorCode()).isEqualTo(50001);
      assertThat(failed.message()).contains("broker down");
      assertThat(client.get("/subjects").raw()).isEqualTo("[]");
      assertThat(client.get("/schemas/ids/1").errorCode()).isEqualTo(40403);
    }
  }

  private static JsonNode text(String s) {
    return RegistryHttp.JSON.getNodeFactory().textNode(s);
  }
}
