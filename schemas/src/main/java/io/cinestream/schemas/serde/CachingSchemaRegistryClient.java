package io.cinestream.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A REST client of a Confluent-compatible Schema Registry that caches every answer: ids never
 * change meaning, so each schema is registered and each id fetched at most once per process.
 *
 * <p>Speaks the Confluent REST API ({@code POST /subjects/{subject}/versions}, {@code GET
 * /schemas/ids/{id}}) with the JDK's {@link HttpClient} and Jackson; thread-safe.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final HttpClient http;
  private final Duration timeout;
  private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

  /**
   * @param baseUrl registry root, e.g. {@code http://127.0.0.1:8081} (a trailing slash is fine)
   */
  public CachingSchemaRegistryClient(String baseUrl) {
    this(baseUrl, Duration.ofSeconds(10));
  }

  /**
   * @param baseUrl registry root, e.g. {@code http://127.0.0.1:8081}
   * @param timeout connect and request timeout of each call
   */
  public CachingSchemaRegistryClient(String baseUrl, Duration timeout) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** The registry root this client talks to, without a trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public int register(String subject, Schema schema) {
    Map<Schema, Integer> ids =
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    Integer cached = ids.get(schema);
    if (cached != null) {
      return cached;
    }
    String body = JSON.createObjectNode().put("schema", schema.toString()).toString();
    JsonNode answer = call(post("/subjects/" + encode(subject) + "/versions", body), subject);
    int id = answer.path("id").asInt(-1);
    if (id < 0) {
      throw new RegistryException(-1, "registry answered without an id for " + subject, null);
    }
    ids.put(schema, id);
    byId.putIfAbsent(id, schema);
    return id;
  }

  @Override
  public Schema getById(int id) {
    Schema cached = byId.get(id);
    if (cached != null) {
      return cached;
    }
    HttpRequest request = get("/schemas/ids/" + id);
    JsonNode answer = call(request, "schema id " + id);
    JsonNode text = answer.path("schema");
    if (!text.isTextual()) {
      // Not a registry answer (e.g. another JSON service behind a wrong URL): never "not found".
      throw new RegistryException(
          -1,
          "schema registry " + baseUrl + " answered without a schema for schema id " + id,
          null);
    }
    Schema schema;
    try {
      schema = new Schema.Parser().parse(text.asText());
    } catch (RuntimeException e) {
      throw new RegistryException(
          -1, "schema registry " + baseUrl + " answered an unparseable schema for id " + id, e);
    }
    Schema previous = byId.putIfAbsent(id, schema);
    return previous != null ? previous : schema;
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(timeout)
        .header("Accept", CONTENT_TYPE)
        .GET()
        .build();
  }

  private HttpRequest post(String path, String body) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(timeout)
        .header("Accept", CONTENT_TYPE)
        .header("Content-Type", CONTENT_TYPE)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
  }

  private JsonNode call(HttpRequest request, String what) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new RegistryException(
          -1, "schema registry " + baseUrl + " unreachable for " + what + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException(-1, "interrupted while asking the registry for " + what, e);
    }
    JsonNode json;
    try {
      json = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new RegistryException(
          response.statusCode(),
          "schema registry answered HTTP " + response.statusCode() + " with non-JSON for " + what,
          e);
    }
    if (response.statusCode() / 100 != 2) {
      // Only a Confluent error body carries error_code; without it the HTTP status stands, and a
      // bare 404 (wrong path, proxy) is then "unavailable", not "not found" (isNotFound).
      JsonNode errorCode = json.path("error_code");
      int code = errorCode.isInt() ? errorCode.asInt() : response.statusCode();
      throw new RegistryException(
          code,
          "schema registry refused "
              + what
              + ": "
              + code
              + " "
              + json.path("message").asText(response.body()),
          null);
    }
    return json;
  }

  private static String encode(String pathSegment) {
    return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
