package io.cinestream.testsupport;

import io.cinestream.devstack.kafka.KafkaBroker;
import io.cinestream.devstack.postgres.EmbeddedWarehouse;
import io.cinestream.devstack.registry.RegistryConfig;
import io.cinestream.devstack.registry.SchemaRegistryServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.postgresql.PGProperty;

/**
 * The local stack of one test JVM: the devstack's in-process KRaft broker, its schema registry
 * (state in the broker's {@code _schemas} topic) and an embedded PostgreSQL, each on a free port of
 * 127.0.0.1 and started lazily on first use, all under one temporary directory removed on {@link
 * #close()}. Obtain it through {@link LocalStackExtension}, which starts it at most once per run.
 *
 * <p>PostgreSQL runs as the local stack's does ({@link EmbeddedWarehouse#startSecured}):
 * scram-sha-256 for every connection, no trust line, passwords generated per run and kept in 0600
 * files of the stack's directory, and the tests log in as the non-superuser application role
 * {@value EmbeddedWarehouse#APP_USER}, so a test meets the privileges the jobs have.
 *
 * <p>Tests share the servers, so each isolates itself: Kafka topics and registry subjects with
 * names unique to the test, and a {@linkplain #newWarehouseDatabase fresh database} per test class.
 *
 * <p>The servers are held by separate nested classes so that a module without Kafka on its test
 * classpath (spark-jobs) can use the PostgreSQL part without loading Kafka classes.
 */
public final class LocalStack implements AutoCloseable {

  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private Path dir;
  private Kafka kafka;
  private Registry registry;
  private Warehouse warehouse;

  LocalStack() {}

  /**
   * The bootstrap address of the broker, starting it on first call (about 2 s). No topic exists
   * until a test creates it (e.g. {@code TopicCreator.ensureTopics}).
   *
   * @return {@code 127.0.0.1:<port>}
   * @throws UncheckedIOException when the broker cannot start
   */
  public synchronized String bootstrapServers() {
    if (kafka == null) {
      kafka = new Kafka(directory().resolve("kafka"));
      started.push(kafka);
    }
    return kafka.broker.bootstrapServers();
  }

  /**
   * The URL of the schema registry on the broker, starting both on first call.
   *
   * @return {@code http://127.0.0.1:<port>}
   * @throws IllegalStateException when the registry cannot replay its topic
   */
  public synchronized String registryUrl() {
    if (registry == null) {
      registry = new Registry(bootstrapServers());
      started.push(registry);
    }
    return registry.server.url();
  }

  /**
   * A new, empty database on the stack's PostgreSQL (started on first call, about 5 s) with the
   * warehouse migrations applied, so that a test class sees only its own rows. It is owned by the
   * application role, which the URL logs in as with its password (a URL for a child process's
   * command line: {@link #withoutPassword}).
   *
   * @return its JDBC URL, {@code jdbc:postgresql://127.0.0.1:<port>/<name>?user=cinestream} plus
   *     the generated password as its last parameter
   * @throws UncheckedIOException when the server cannot start
   * @throws IllegalStateException when the database cannot be created
   */
  public synchronized String newWarehouseDatabase() {
    if (warehouse == null) {
      warehouse = new Warehouse(directory().resolve("pgdata"));
      started.push(warehouse);
    }
    return warehouse.newDatabase("test_" + DATABASES.incrementAndGet());
  }

  /**
   * The application role's password on the stack's PostgreSQL (what {@code
   * CINESTREAM_JDBC_PASSWORD} holds for a child process), starting the server on first call.
   *
   * @return the generated password
   */
  public synchronized String warehousePassword() {
    if (warehouse == null) {
      newWarehouseDatabase();
    }
    return warehouse.appSecret;
  }

  /**
   * A JDBC URL without its password parameter: what a child process gets on its command line, with
   * the password in {@code CINESTREAM_JDBC_PASSWORD} ({@link #warehousePassword()}).
   *
   * @param jdbcUrl a URL of {@link #newWarehouseDatabase()}
   * @return the URL without the password parameter
   */
  public static String withoutPassword(String jdbcUrl) {
    return jdbcUrl.replaceAll("&" + PGProperty.PASSWORD.getName() + "=[^&]*", "");
  }

  private Path directory() {
    if (dir == null) {
      try {
        dir = Files.createTempDirectory("cinestream-test-stack");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }

  /** Stops what was started, newest first, and removes the stack's directory. */
  @Override
  public synchronized void close() throws Exception {
    Exception failure = null;
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (dir != null) {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static final class Kafka implements AutoCloseable {
    private final KafkaBroker broker;

    Kafka(Path dataDir) {
      try {
        broker = KafkaBroker.start(dataDir, Ports.freePort(), Ports.freePort());
      } catch (IOException e) {
        throw new UncheckedIOException("Kafka broker did not start in " + dataDir, e);
      }
    }

    @Override
    public void close() {
      broker.close();
    }
  }

  private static final class Registry implements AutoCloseable {
    private final SchemaRegistryServer server;

    Registry(String bootstrapServers) {
      server =
          SchemaRegistryServer.start(
              RegistryConfig.defaults().withPort(0).withBootstrapServers(bootstrapServers));
    }

    @Override
    public void close() {
      server.close();
    }
  }

  private static final class Warehouse implements AutoCloseable {
    private final EmbeddedWarehouse server;
    private final String appSecret;

    Warehouse(Path dataDir) {
      try {
        Path secrets = Files.createDirectories(dataDir.resolveSibling("pg-secrets"));
        Path superuser = secretFile(secrets.resolve("postgres.superuser.password"));
        Path app = secretFile(secrets.resolve("postgres.password"));
        appSecret = Files.readString(app).strip();
        server = EmbeddedWarehouse.startSecured(dataDir, Ports.freePort(), superuser, app);
      } catch (IOException e) {
        throw new UncheckedIOException("PostgreSQL did not start in " + dataDir, e);
      } catch (SQLException e) {
        throw new IllegalStateException("PostgreSQL started without its role or database", e);
      }
    }

    /** A file holding a new random password (24 bytes, base64url), readable by its owner only. */
    private static Path secretFile(Path file) throws IOException {
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(
          file, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
      return file;
    }

    String newDatabase(String name) {
      String app =
          EmbeddedWarehouse.appJdbcUrl(server.port())
              + "&"
              + PGProperty.PASSWORD.getName()
              + "="
              + appSecret;
      // The application role has CREATEDB: the new database is its own, as the stack's is.
      try (Connection c = DriverManager.getConnection(app);
          Statement st = c.createStatement()) {
        st.execute("CREATE DATABASE " + name);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot create database " + name, e);
      }
      String url = app.replace("/" + EmbeddedWarehouse.DATABASE + "?", "/" + name + "?");
      EmbeddedWarehouse.migrate(url);
      return url;
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
