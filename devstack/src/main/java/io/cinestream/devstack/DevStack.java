package io.cinestream.devstack;

import io.cinestream.devstack.kafka.KafkaBroker;
import io.cinestream.devstack.kafka.TopicCreator;
import io.cinestream.devstack.kafka.WatermarkTicks;
import io.cinestream.devstack.postgres.EmbeddedWarehouse;
import io.cinestream.devstack.registry.RegistryConfig;
import io.cinestream.devstack.registry.SchemaRegistryServer;
import io.cinestream.schemas.TickSignature;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of the local stack: each service runs as its own process, started by {@code
 * ./pipeline up} as {@code java -cp devstack.jar:lib/* io.cinestream.devstack.DevStack <service>},
 * and stops cleanly on SIGTERM ({@code ./pipeline down}). {@code health} checks the running stack.
 *
 * <p>Exit codes: 0 success, 1 a service failed to start or is unhealthy, 2 bad arguments.
 */
@Command(
    name = "devstack",
    mixinStandardHelpOptions = true,
    description = "Cinestream local stack services (127.0.0.1 only).",
    subcommands = {
      DevStack.Kafka.class,
      DevStack.Postgres.class,
      DevStack.Registry.class,
      DevStack.CreateTopics.class,
      DevStack.Tick.class,
      ConsumerGroupOffsets.class,
      HealthCheck.class,
      StackReset.class,
      TableCounts.class
    })
public final class DevStack {

  private static final Logger LOG = LoggerFactory.getLogger(DevStack.class);

  private DevStack() {}

  /**
   * Runs the command line.
   *
   * @param args a subcommand and its options, see {@code --help}
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(DevStack.class).execute(args));
  }

  /** Blocks the calling thread until the JVM is asked to stop, then closes {@code service}. */
  static void serveUntilStopped(String name, AutoCloseable service) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  LOG.info("Stopping {}", name);
                  try {
                    service.close();
                  } catch (Exception e) {
                    LOG.error("{} did not stop cleanly", name, e);
                  }
                  stopped.countDown();
                },
                name + "-shutdown"));
    LOG.info("{} ready", name);
    stopped.await();
  }

  /** {@code devstack kafka}: a single-node KRaft broker with the Cinestream topics. */
  @Command(name = "kafka", description = "Run a single-node KRaft Kafka broker until SIGTERM.")
  static final class Kafka implements Callable<Integer> {
    @Option(names = "--data-dir", required = true, description = "Log directory.")
    Path dataDir;

    @Option(names = "--port", defaultValue = "9092", description = "Client port (default 9092).")
    int port;

    @Option(
        names = "--controller-port",
        defaultValue = "9093",
        description = "KRaft controller port (default 9093).")
    int controllerPort;

    @Override
    public Integer call() throws Exception {
      KafkaBroker broker = KafkaBroker.start(dataDir, port, controllerPort);
      TopicCreator.ensureTopics(broker.bootstrapServers());
      serveUntilStopped("kafka", broker);
      return 0;
    }
  }

  /**
   * {@code devstack postgres}: the embedded PostgreSQL warehouse, migrated, with scram-sha-256
   * password authentication ({@link EmbeddedWarehouse#startSecured}); the passwords come from files
   * named on the command line (their paths only, never their content).
   */
  @Command(
      name = "postgres",
      description =
          "Run PostgreSQL (scram-sha-256) with the migrated warehouse, owned by the non-superuser"
              + " role cinestream, until SIGTERM.")
  static final class Postgres implements Callable<Integer> {
    @Option(names = "--data-dir", required = true, description = "PGDATA directory.")
    Path dataDir;

    @Option(names = "--port", defaultValue = "5432", description = "Port (default 5432).")
    int port;

    @Option(
        names = "--superuser-password-file",
        required = true,
        description = "File holding the superuser's (postgres) password (mode 0600).")
    Path superuserPasswordFile;

    @Option(
        names = "--password-file",
        required = true,
        description = "File holding the application role's (cinestream) password (mode 0600).")
    Path passwordFile;

    @Override
    public Integer call() throws Exception {
      EmbeddedWarehouse warehouse =
          EmbeddedWarehouse.startSecured(dataDir, port, superuserPasswordFile, passwordFile);
      exitWhenServerDies(EmbeddedWarehouse.postmasterPid(dataDir));
      serveUntilStopped("postgres", warehouse);
      return 0;
    }

    /**
     * Ends this wrapper (exit status 1) when the PostgreSQL server process ends without it: a
     * server that crashed or was killed must not leave a live wrapper behind, or {@code ./pipeline
     * up} would take the service for running and never restart it (found by the chaos test).
     *
     * @param postmasterPid the server's process id, from {@code postmaster.pid}
     */
    private static void exitWhenServerDies(long postmasterPid) {
      ProcessHandle.of(postmasterPid)
          .ifPresent(
              server ->
                  server
                      .onExit()
                      .thenRun(
                          () -> {
                            LOG.error(
                                "PostgreSQL server (pid {}) has exited: stopping", postmasterPid);
                            System.exit(1);
                          }));
    }
  }

  /** {@code devstack registry}: the schema registry, its state in Kafka's {@code _schemas}. */
  @Command(
      name = "registry",
      description = "Run the Confluent-API schema registry (state in Kafka) until SIGTERM.")
  static final class Registry implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8081", description = "HTTP port (default 8081).")
    int port;

    @Option(
        names = "--host",
        defaultValue = "127.0.0.1",
        description = "Bind address (default 127.0.0.1).")
    String host;

    @Option(
        names = "--bootstrap",
        defaultValue = "127.0.0.1:9092",
        description = "Kafka bootstrap.")
    String bootstrap;

    @Override
    public Integer call() throws Exception {
      RegistryConfig cfg =
          RegistryConfig.defaults().withHost(host).withPort(port).withBootstrapServers(bootstrap);
      serveUntilStopped("registry", SchemaRegistryServer.start(cfg));
      return 0;
    }
  }

  /** {@code devstack create-topics}: creates missing topics on a running broker. */
  @Command(name = "create-topics", description = "Create the Cinestream topics that are missing.")
  static final class CreateTopics implements Callable<Integer> {
    @Option(
        names = "--bootstrap",
        defaultValue = "127.0.0.1:9092",
        description = "Kafka bootstrap.")
    String bootstrap;

    @Override
    public Integer call() {
      TopicCreator.ensureTopics(bootstrap);
      return 0;
    }
  }

  /**
   * {@code devstack tick --at ISO_INSTANT}: writes the final watermark tick ({@link
   * io.cinestream.schemas.WatermarkTick}) on every partition of every event topic and prints one
   * {@code topic/partition@offset} per tick, then a summary line. Exit 2 on an unparseable instant,
   * 1 when the broker does not take the ticks.
   */
  @Command(
      name = "tick",
      description =
          "Write the final watermark tick (null key and value, header cinestream.tick=1, record"
              + " timestamp = --at) on every partition of every event topic.")
  static final class Tick implements Callable<Integer> {
    @Option(
        names = "--bootstrap",
        defaultValue = "127.0.0.1:9092",
        description = "Kafka bootstrap.")
    String bootstrap;

    @Option(
        names = "--at",
        required = true,
        description = "The tick's event time, ISO-8601 UTC, e.g. 2026-01-06T01:02:01Z.")
    String at;

    @Option(
        names = "--key-file",
        description =
            "The tick key (created with mode 0600 when missing); default: the file named by"
                + " CINESTREAM_TICK_KEY_FILE.")
    Path keyFile;

    @Override
    public Integer call() {
      Instant t;
      try {
        t = Instant.parse(at);
      } catch (DateTimeParseException e) {
        System.err.println("--at '" + at + "' is not an ISO-8601 instant: " + e.getMessage());
        return 2;
      }
      Path file = keyFile;
      if (file == null) {
        String env = System.getenv(TickSignature.KEY_FILE_ENV);
        if (env == null || env.isBlank()) {
          System.err.println("no tick key: give --key-file or set " + TickSignature.KEY_FILE_ENV);
          return 2;
        }
        file = Path.of(env);
      }
      byte[] key;
      try {
        key = TickSignature.readOrCreateKey(file);
      } catch (java.io.UncheckedIOException | IllegalArgumentException e) {
        System.err.println(e.getMessage());
        return 2;
      }
      List<WatermarkTicks.Written> written;
      try {
        written = WatermarkTicks.write(bootstrap, t, key);
      } catch (IllegalStateException e) {
        System.err.println(e.getMessage());
        return 1;
      }
      for (WatermarkTicks.Written w : written) {
        System.out.println("tick " + w.render() + " at " + Instant.ofEpochMilli(w.timestampMs()));
      }
      System.out.printf(
          "watermark tick at %s: %d record(s) on %d event topic(s)%n",
          t,
          written.size(),
          written.stream().map(WatermarkTicks.Written::topic).distinct().count());
      return 0;
    }
  }
}
