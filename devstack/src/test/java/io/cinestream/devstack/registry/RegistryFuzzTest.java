package io.cinestream.devstack.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A fuzz pass over the registry's REST API (in-process, on an in-memory log): random methods,
 * paths, content types and bodies, malformed JSON, invalid schemas and 10 MB bodies. Whatever
 * arrives, the answer must follow Confluent's conventions (its {@code rest-utils} and the Schema
 * Registry API reference): no 5xx, every error a JSON body {@code {"error_code": N, "message":
 * "..."}} whose HTTP status is {@code N} or the first three digits of {@code N}, and the server
 * keeps serving: a valid request succeeds right after.
 */
class RegistryFuzzTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CT = SchemaRegistryServer.CONTENT_TYPE;

  private static SchemaRegistryServer server;
  private static HttpClient http;
  private static final AtomicInteger SUBJECTS = new AtomicInteger();

  @BeforeContainer
  static void start() {
    // The production default size limit (4 MB), so that 10 MB bodies meet the real limit.
    server =
        SchemaRegistryServer.start(RegistryConfig.defaults().withPort(0), new InMemorySchemaLog());
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterContainer
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** One HTTP answer. */
  record Answer(int status, String contentType, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        return null;
      }
    }
  }

  @Property(tries = 300)
  void anyRequestGetsAConfluentAnswerAndTheServerKeepsServing(
      @ForAll("methods") String method,
      @ForAll("paths") String path,
      @ForAll("contentTypes") String contentType,
      @ForAll("bodies") String body) {
    Answer a = send(method, path, contentType, body.getBytes(StandardCharsets.UTF_8));

    assertConfluentAnswer(method + " " + path, method, a);
    assertStillServing();
  }

  @Property(tries = 200)
  void anySchemaTextIsRegisteredOrRefusedAs42201(@ForAll("schemaTexts") String schema) {
    String subject = "fuzz-" + SUBJECTS.incrementAndGet() + "-value";
    String body = JSON.createObjectNode().put("schema", schema).toString();

    Answer a = send("POST", "/subjects/" + subject + "/versions", CT, utf8(body));

    assertConfluentAnswer(schema, "POST", a);
    if (a.status() == 200) {
      // Registered: the schema is valid Avro and can be read back by its id.
      int id = a.json().get("id").asInt();
      assertThat(send("GET", "/schemas/ids/" + id, null, null).status()).isEqualTo(200);
    } else {
      assertThat(a.status()).as(a.body()).isEqualTo(422);
      assertThat(a.json().get("error_code").asInt()).isEqualTo(42201);
    }
  }

  @Example
  void tenMegabyteBodiesAre413WithOrWithoutALengthAndTheServerKeepsServing() {
    byte[] huge = ("{\"schema\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}").getBytes();
    Answer sized = send("POST", "/subjects/big-value/versions", CT, huge);
    assertThat(sized.status()).isEqualTo(413);
    assertThat(sized.json().get("error_code").asInt()).isEqualTo(413);

    // The same body chunked, without Content-Length: the limit holds while reading.
    HttpRequest chunked =
        HttpRequest.newBuilder(URI.create(server.url() + "/subjects/big-value/versions"))
            .header("Content-Type", CT)
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge)))
            .build();
    Answer streamed = send(chunked);
    assertThat(streamed.status()).isEqualTo(413);
    assertThat(streamed.json().get("error_code").asInt()).isEqualTo(413);

    assertStillServing();
    Answer registered =
        send("POST", "/subjects/big-value/versions", CT, utf8(RegistryHttp.schemaBody(Schemas.V1)));
    assertThat(registered.status()).as(registered.body()).isEqualTo(200);
  }

  @Example
  void aWrongMethodOnAnExistingResourceIs405LikeConfluent() {
    for (String[] call :
        List.of(
            new String[] {"PUT", "/subjects"},
            new String[] {"DELETE", "/schemas/ids/1"},
            new String[] {"PATCH", "/subjects/a-value/versions"},
            new String[] {"POST", "/config"})) {
      Answer a = send(call[0], call[1], CT, utf8("{}"));
      assertThat(a.status()).as(call[0] + " " + call[1]).isEqualTo(405);
      assertThat(a.json().get("error_code").asInt()).isEqualTo(405);
    }
  }

  @Example
  void aPathJettyRefusesBeforeRoutingStillGetsAJsonError() {
    // Found by the fuzz pass: Jetty answered "/.." with its own HTML error page.
    Answer a = send("GET", "/..", null, null);
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.contentType()).startsWith(CT);
    assertThat(a.json().get("error_code").asInt()).isEqualTo(400);
    assertThat(a.json().get("message").asText()).startsWith("HTTP 400");
    assertStillServing();
  }

  // ---------------------------------------------------------------- checks

  private static void assertConfluentAnswer(String what, String method, Answer a) {
    assertThat(a.status()).as("%s -> %s %s", what, a.status(), a.body()).isLessThan(500);
    if (a.status() >= 400 && !"HEAD".equals(method)) {
      assertThat(a.contentType()).as(what).startsWith(CT);
      JsonNode json = a.json();
      assertThat(json).as("%s: error body %s", what, a.body()).isNotNull();
      assertThat(json.path("error_code").isInt()).as("%s: %s", what, a.body()).isTrue();
      assertThat(json.path("message").isTextual()).as("%s: %s", what, a.body()).isTrue();
      int code = json.get("error_code").asInt();
      assertThat(code >= 10_000 ? code / 100 : code).as(what).isEqualTo(a.status());
      assertThat(a.body()).as("no stack trace").doesNotContain("\tat ", "\n");
    }
  }

  private static void assertStillServing() {
    Answer config = send("GET", "/config", null, null);
    assertThat(config.status()).isEqualTo(200);
    assertThat(config.json().get("compatibilityLevel").asText()).isNotBlank();
  }

  // ---------------------------------------------------------------- generators

  @Provide
  Arbitrary<String> methods() {
    return Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> known =
        Arbitraries.of(
            "/",
            "/subjects",
            "/subjects/s-value",
            "/subjects/s-value/versions",
            "/subjects/s-value/versions/latest",
            "/subjects/s-value/versions/1/schema",
            "/schemas/ids/1",
            "/schemas/ids/1/versions",
            "/schemas/types",
            "/config",
            "/config/s-value",
            "/compatibility/subjects/s-value/versions/latest",
            "/mode");
    Arbitrary<String> segment =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(12).map(RegistryFuzzTest::encode),
            Arbitraries.of(
                "subjects",
                "versions",
                "schemas",
                "ids",
                "-1",
                "0",
                "2147483648",
                "latest",
                "..",
                "%00",
                "%2F",
                "config"));
    Arbitrary<String> random =
        segment.list().ofMinSize(1).ofMaxSize(6).map(s -> "/" + String.join("/", s));
    Arbitrary<String> query =
        Arbitraries.of("", "?deleted=true", "?permanent=true", "?verbose=x", "?a=%25ZZ", "?=");
    return Combinators.combine(Arbitraries.oneOf(known, random), query).as(String::concat);
  }

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.of(
        CT,
        "application/json",
        "application/json; charset=utf-8",
        "application/octet-stream",
        "text/plain",
        "application/xml",
        "multipart/form-data; boundary=x",
        ";;;",
        "APPLICATION/JSON");
  }

  @Provide
  Arbitrary<String> bodies() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(200),
        Arbitraries.of(
            "",
            "{",
            "}",
            "null",
            "[]",
            "42",
            "\"text\"",
            "{\"schema\":",
            "{\"schema\":null}",
            "{\"schema\":42}",
            "{\"schema\":{\"type\":\"int\"}}",
            "{\"schema\":\"\\\"int\\\"\",\"schemaType\":\"XML\"}",
            "{\"schema\":\"\\\"int\\\"\",\"references\":[{\"name\":1}]}",
            "{\"compatibility\":null}",
            "{\"compatibility\":\"BACKWARD\"}",
            "{\"compatibility\":[]}",
            "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}"),
        schemaTexts().map(s -> JSON.createObjectNode().put("schema", s).toString()));
  }

  /** Schema texts: valid, nearly valid and plainly broken Avro. */
  @Provide
  Arbitrary<String> schemaTexts() {
    Arbitrary<String> fixed =
        Arbitraries.of(
            Schemas.V1,
            "\"int\"",
            "\"nope\"",
            "{}",
            "[]",
            "[\"null\",\"null\"]",
            "{\"type\":\"record\"}",
            "{\"type\":\"record\",\"name\":\"1bad\",\"fields\":[]}",
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\"}]}",
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"R\"}]}",
            "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"A\"]}",
            "{\"type\":\"fixed\",\"name\":\"F\",\"size\":-1}",
            "{\"type\":\"array\"}",
            "{\"type\":\"map\",\"values\":\"Unknown\"}",
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\","
                + "\"default\":\"x\"}]}",
            "[" + "[".repeat(3000) + "\"int\"" + "]".repeat(3000) + "]");
    Arbitrary<String> mutated =
        Combinators.combine(fixed, Arbitraries.integers().between(0, 400), Arbitraries.chars())
            .as(
                (s, at, c) -> {
                  int i = Math.min(at, s.length());
                  return s.substring(0, i) + c + s.substring(Math.min(s.length(), i + 1));
                });
    return Arbitraries.oneOf(fixed, mutated, Arbitraries.strings().ofMaxLength(60));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Answer send(String method, String path, String contentType, byte[] body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    HttpRequest.BodyPublisher publisher =
        body == null || Set.of("GET", "HEAD").contains(method)
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body);
    return send(b.method(method, publisher).build());
  }

  private static Answer send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(
          r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (IOException e) {
      // The server closing the connection (e.g. after a 413 while the body is still being sent)
      // is not an answer: treat a reset as a failure of this property.
      throw new AssertionError(request.method() + " " + request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
