package io.cinestream.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The alerts Prometheus holds, read from its HTTP API ({@code GET /api/v1/alerts}). */
public final class PrometheusAlerts {

  /**
   * One alert.
   *
   * @param name its {@code alertname} label
   * @param state {@code firing} or {@code pending}
   * @param labels all its labels
   * @param activeAt since when (RFC 3339), or null
   */
  public record Alert(String name, String state, Map<String, String> labels, String activeAt) {}

  /**
   * What the page shows: either the alerts, or why Prometheus could not be asked.
   *
   * @param reachable whether Prometheus answered
   * @param error the reason when not, e.g. "Prometheus not reachable at http://...: ..."
   * @param alerts the alerts when reachable, firing first
   */
  public record Result(boolean reachable, String error, List<Alert> alerts) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final String baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * A reader of one Prometheus server.
   *
   * @param baseUrl Prometheus' address, e.g. {@code http://127.0.0.1:9090}
   */
  public PrometheusAlerts(String baseUrl) {
    this.baseUrl = baseUrl.replaceAll("/+$", "");
  }

  /**
   * Asks Prometheus once (3 s timeout).
   *
   * @return the alerts, or a not-reachable result with the cause; never throws
   */
  public Result read() {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/alerts"))
              .timeout(Duration.ofSeconds(3))
              .GET()
              .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return notReachable("HTTP " + response.statusCode());
      }
      JsonNode root = JSON.readTree(response.body());
      List<Alert> firing = new ArrayList<>();
      List<Alert> other = new ArrayList<>();
      for (JsonNode a : root.path("data").path("alerts")) {
        Map<String, String> labels = new LinkedHashMap<>();
        a.path("labels")
            .fields()
            .forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
        Alert alert =
            new Alert(
                labels.getOrDefault("alertname", "?"),
                a.path("state").asText(),
                labels,
                a.path("activeAt").asText(null));
        ("firing".equals(alert.state()) ? firing : other).add(alert);
      }
      firing.addAll(other);
      return new Result(true, null, firing);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return notReachable("interrupted");
    } catch (Exception e) {
      return notReachable(
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
  }

  private Result notReachable(String why) {
    return new Result(false, "Prometheus not reachable at " + baseUrl + ": " + why, List.of());
  }
}
