package io.cinestream.spark.load;

import io.cinestream.testsupport.LocalStack;
import io.cinestream.testsupport.Ports;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devstack Kafka broker and schema registry for the load tests, as separate JVMs: Spark's
 * kafka-clients 3.4.1 and the broker's 4.x cannot share a classpath, so the in-process broker of
 * {@link io.cinestream.testsupport.LocalStack} cannot run here. PostgreSQL is the shared test
 * stack's (a database passed in). Free ports of 127.0.0.1, logs under one directory.
 */
final class ForkedDevStack implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ForkedDevStack.class);

  /** The repository root (Surefire sets {@code cinestream.root}). */
  static final Path ROOT =
      Path.of(System.getProperty("cinestream.root", "..")).toAbsolutePath().normalize();

  private final List<Process> processes = new ArrayList<>();
  private String jdbcUrl;
  private String bootstrap;
  private String registryUrl;

  private ForkedDevStack() {}

  /**
   * Starts the broker and the registry and waits until both answer.
   *
   * @param dir where the broker's data and the processes' logs go
   * @param jdbcUrl the warehouse database the tests use (not started here)
   * @return the running stack
   * @throws IllegalStateException when a process exits or does not answer within 90 s
   */
  static ForkedDevStack start(Path dir, String jdbcUrl) throws IOException, InterruptedException {
    ForkedDevStack stack = new ForkedDevStack();
    stack.jdbcUrl = jdbcUrl;
    Files.createDirectories(dir);
    try {
      int kafkaPort = Ports.freePort();
      int controllerPort = Ports.freePort();
      int registryPort = Ports.freePort();
      stack.bootstrap = "127.0.0.1:" + kafkaPort;
      stack.registryUrl = "http://127.0.0.1:" + registryPort;
      Process kafka =
          stack.devstack(
              dir.resolve("kafka.log"),
              "kafka",
              "--data-dir",
              dir.resolve("kafka").toString(),
              "--port",
              Integer.toString(kafkaPort),
              "--controller-port",
              Integer.toString(controllerPort));
      awaitPort(kafkaPort, kafka, dir.resolve("kafka.log"));
      Process registry =
          stack.devstack(
              dir.resolve("registry.log"),
              "registry",
              "--port",
              Integer.toString(registryPort),
              "--bootstrap",
              stack.bootstrap);
      awaitRegistry(stack.registryUrl, registry, dir.resolve("registry.log"));
      // The broker creates the topics right after its port opens; the registry needs them too.
      LOG.info(
          "stack up: kafka {}, registry {}, {}",
          stack.bootstrap,
          stack.registryUrl,
          LocalStack.withoutPassword(stack.jdbcUrl()));
      return stack;
    } catch (IOException | InterruptedException | RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  String bootstrap() {
    return bootstrap;
  }

  String registryUrl() {
    return registryUrl;
  }

  String jdbcUrl() {
    return jdbcUrl;
  }

  static Path javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  private Process devstack(Path log, String... args) throws IOException {
    Path jar = ROOT.resolve("devstack/target/devstack.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build the devstack module first");
    }
    List<String> command = new ArrayList<>();
    command.add(javaBin().toString());
    command.add("-Xmx512m");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(jar + ":" + ROOT.resolve("devstack/target/lib") + "/*");
    command.add("io.cinestream.devstack.DevStack");
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(p);
    return p;
  }

  private static void awaitPort(int port, Process owner, Path log) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!owner.isAlive()) {
        throw new IllegalStateException(
            "process exited with " + owner.exitValue() + ", see " + log);
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("port " + port + " did not open within 90 s, see " + log);
  }

  private static void awaitRegistry(String url, Process owner, Path log)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!owner.isAlive()) {
        throw new IllegalStateException(
            "registry exited with " + owner.exitValue() + ", see " + log);
      }
      try {
        HttpURLConnection c =
            (HttpURLConnection) URI.create(url + "/subjects").toURL().openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(2000);
        if (c.getResponseCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("registry " + url + " not ready within 90 s, see " + log);
  }

  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      p.destroy();
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
