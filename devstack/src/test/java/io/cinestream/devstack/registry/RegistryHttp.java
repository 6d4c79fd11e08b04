package io.cinestream.devstack.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A tiny HTTP client for the registry tests: raw status and parsed JSON body of each answer. */
final class RegistryHttp {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  /** One answer: HTTP status, Content-Type and the body parsed as JSON (null if not JSON). */
  record Answer(int status, String contentType, String raw, JsonNode json) {
    int errorCode() {
      return json.path("error_code").asInt(-1);
    }

    String message() {
      return json.path("message").asText();
    }
  }

  private final String baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  RegistryHttp(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  Answer get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  Answer delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  Answer post(String path, String body) {
    return post(path, body, CONTENT_TYPE);
  }

  Answer post(String path, String body, String contentType) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  Answer put(String path, String body) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", CONTENT_TYPE)
            .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
  }

  /** Registers a schema; returns the answer (id in {@code json.id} on success). */
  Answer register(String subject, String schema) {
    return post("/subjects/" + subject + "/versions", schemaBody(schema));
  }

  /** Registers a schema that must be accepted and returns its id. */
  int registerOk(String subject, String schema) {
    Answer a = register(subject, schema);
    if (a.status() != 200) {
      throw new AssertionError("registration refused: " + a.status() + " " + a.raw());
    }
    return a.json().get("id").asInt();
  }

  static String schemaBody(String schema) {
    return JSON.createObjectNode().put("schema", schema).toString();
  }

  private URI uri(String path) {
    return URI.create(baseUrl + path);
  }

  private Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r =
          http.send(
              request.timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      JsonNode json;
      try {
        json = JSON.readTree(r.body());
      } catch (IOException e) {
        json = null;
      }
      return new Answer(
          r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
