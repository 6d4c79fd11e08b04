package io.cinestream.devstack;

import io.cinestream.schemas.warehouse.WarehouseConnections;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code devstack health}: asks each service a real question (Kafka: list topics; registry: {@code
 * GET /subjects}; PostgreSQL: {@code select 1}) and prints one line per service: name, {@code
 * healthy} or {@code DOWN}, and what it answered or why it failed. Exit code 0 when every checked
 * service is healthy, else 1.
 */
@Command(name = "health", description = "Check the services: a real request to each.")
public final class HealthCheck implements Callable<Integer> {

  @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap.")
  String bootstrap;

  @Option(
      names = "--registry",
      defaultValue = "http://127.0.0.1:8081",
      description = "Registry URL.")
  String registry;

  @Option(
      names = "--jdbc-url",
      defaultValue = "jdbc:postgresql://127.0.0.1:5432/cinestream?user=cinestream",
      description = "Warehouse JDBC URL.")
  String jdbcUrl;

  @Option(
      names = "--only",
      split = ",",
      description = "Check only these: kafka, registry, postgres (default all).")
  List<String> only = new ArrayList<>(List.of("kafka", "registry", "postgres"));

  /** One check's outcome: healthy or not, with what the service said or why it failed. */
  public record Result(String service, boolean healthy, String detail) {}

  @Override
  public Integer call() {
    boolean allHealthy = true;
    for (String service : only) {
      Result r =
          switch (service) {
            case "kafka" -> kafka(bootstrap);
            case "registry" -> registry(registry);
            case "postgres" -> postgres(jdbcUrl);
            default -> new Result(service, false, "unknown service");
          };
      allHealthy &= r.healthy();
      System.out.printf(
          "%-9s %-8s %s%n", r.service(), r.healthy() ? "healthy" : "DOWN", r.detail());
    }
    return allHealthy ? 0 : 1;
  }

  /** Lists topics on the broker within 5 s. */
  public static Result kafka(String bootstrap) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    try (Admin admin = Admin.create(props)) {
      Set<String> topics = admin.listTopics().names().get(5, TimeUnit.SECONDS);
      return new Result("kafka", true, bootstrap + ", " + topics.size() + " topics");
    } catch (Exception e) {
      return new Result("kafka", false, bootstrap + ": " + rootMessage(e));
    }
  }

  /** {@code GET /subjects} on the registry within 5 s. */
  public static Result registry(String url) {
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/subjects"))
                  .timeout(Duration.ofSeconds(5))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      boolean ok = response.statusCode() == 200;
      return new Result(
          "registry",
          ok,
          url + ", GET /subjects -> " + response.statusCode() + " " + response.body());
    } catch (Exception e) {
      return new Result("registry", false, url + ": " + rootMessage(e));
    }
  }

  /** {@code select 1} on the warehouse within 5 s. */
  public static Result postgres(String jdbcUrl) {
    DriverManager.setLoginTimeout(5);
    try (Connection c =
            DriverManager.getConnection(
                jdbcUrl, WarehouseConnections.properties(jdbcUrl, System.getenv()));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select 1, current_setting('server_version')")) {
      rs.next();
      return new Result(
          "postgres",
          true,
          jdbcUrl + ", select 1 -> " + rs.getInt(1) + " (PostgreSQL " + rs.getString(2) + ")");
    } catch (Exception e) {
      return new Result("postgres", false, jdbcUrl + ": " + rootMessage(e));
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
