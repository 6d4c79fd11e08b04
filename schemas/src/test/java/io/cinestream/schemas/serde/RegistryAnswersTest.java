package io.cinestream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import io.cinestream.events.SignIn;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.serde.WireFormatException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a registry answer means for a good record: only a Confluent error body with 40401/40403
 * makes it "unknown schema id" (a dead letter); a bare 404 from a wrong URL or a proxy, a 5xx, a
 * non-JSON page or a JSON answer without a schema is "registry unavailable" (the batch fails and
 * retries, nothing is dead-lettered).
 */
class RegistryAnswersTest {

  private static final RecordCoordinates WHERE = new RecordCoordinates("sign_in", 0, 42L);

  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void aBare404FromAWrongPathIsRegistryUnavailableNotUnknownSchema() throws IOException {
    assertThat(decodeAGoodRecordAgainst(404, "text/html", "<html>Not Found</html>"))
        .isEqualTo(Reason.REGISTRY_UNAVAILABLE);
  }

  @Test
  void a404WithAJsonBodyButNoConfluentErrorCodeIsRegistryUnavailable() throws IOException {
    assertThat(decodeAGoodRecordAgainst(404, "application/json", "{\"message\":\"no route\"}"))
        .isEqualTo(Reason.REGISTRY_UNAVAILABLE);
  }

  @Test
  void aServerErrorIsRegistryUnavailable() throws IOException {
    assertThat(
            decodeAGoodRecordAgainst(
                500, "application/json", "{\"error_code\":50001,\"message\":\"store down\"}"))
        .isEqualTo(Reason.REGISTRY_UNAVAILABLE);
  }

  @Test
  void aSuccessWithoutASchemaIsRegistryUnavailable() throws IOException {
    assertThat(decodeAGoodRecordAgainst(200, "application/json", "{}"))
        .isEqualTo(Reason.REGISTRY_UNAVAILABLE);
  }

  @Test
  void onlyTheConfluentSchemaNotFoundBodyMeansUnknownSchemaId() throws IOException {
    assertThat(
            decodeAGoodRecordAgainst(
                404,
                "application/vnd.schemaregistry.v1+json",
                "{\"error_code\":40403,\"message\":\"Schema 1 not found\"}"))
        .isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
  }

  @Test
  void isNotFoundOnlyForTheTwoConfluentCodes() {
    assertThat(new RegistryException(40401, "subject", null).isNotFound()).isTrue();
    assertThat(new RegistryException(40403, "schema", null).isNotFound()).isTrue();
    assertThat(new RegistryException(404, "bare", null).isNotFound()).isFalse();
    assertThat(new RegistryException(40402, "version", null).isNotFound()).isFalse();
    assertThat(new RegistryException(-1, "down", null).isNotFound()).isFalse();
  }

  /**
   * Encodes a valid SignIn with an in-memory registry (schema id 1), then decodes it with a client
   * of a server that answers every request with {@code status}, {@code contentType} and {@code
   * body}; returns the reason of the decoding failure.
   */
  private Reason decodeAGoodRecordAgainst(int status, String contentType, String body)
      throws IOException {
    byte[] good =
        new ConfluentAvroCodec(new InMemorySchemaRegistryClient())
            .serialize(
                Topic.SIGN_IN.subject(),
                SignIn.newBuilder()
                    .setEventId(UUID.fromString("0f000000-0000-4000-8000-000000000001"))
                    .setEventName("sign_in")
                    .setTimestamp(Instant.parse("2026-01-05T09:00:00Z"))
                    .setUserId(7)
                    .build());
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", contentType);
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    ConfluentAvroCodec codec =
        new ConfluentAvroCodec(
            new CachingSchemaRegistryClient(
                "http://127.0.0.1:" + server.getAddress().getPort() + "/"));

    Throwable thrown = catchThrowable(() -> codec.deserialize(WHERE, good, SignIn.class));

    assertThat(thrown).isExactlyInstanceOf(WireFormatException.class);
    return ((WireFormatException) thrown).reason();
  }
}
