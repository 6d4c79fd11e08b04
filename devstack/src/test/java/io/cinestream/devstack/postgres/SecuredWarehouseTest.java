package io.cinestream.devstack.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/**
 * The local stack's PostgreSQL ({@link EmbeddedWarehouse#startSecured}): scram-sha-256 for every
 * connection, the application role a non-superuser owning the database, {@code COPY ... FROM STDIN}
 * allowed to it and {@code COPY ... TO PROGRAM} refused (issue 23, item 8).
 */
class SecuredWarehouseTest {

  private static final String SUPER_PW = "su-Xq7pL0-test";
  private static final String APP_PW = "app-3kV9w-test";

  @TempDir static Path home;
  private static Path dataDir;
  private static EmbeddedWarehouse warehouse;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    dataDir = home.resolve("postgres");
    Files.writeString(home.resolve("postgres-superuser.password"), SUPER_PW + "\n");
    Files.writeString(home.resolve("postgres.password"), APP_PW + "\n");
    warehouse = startAgain();
  }

  private static EmbeddedWarehouse startAgain() throws IOException, SQLException {
    return EmbeddedWarehouse.startSecured(
        dataDir,
        port,
        home.resolve("postgres-superuser.password"),
        home.resolve("postgres.password"));
  }

  @AfterAll
  static void stop() throws IOException {
    if (warehouse != null) {
      warehouse.close();
    }
  }

  private static Connection connect(String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/" + EmbeddedWarehouse.DATABASE, p);
  }

  @Test
  void pgHbaHasNoTrustLineAndAskesForScram() throws Exception {
    Path hba = dataDir.resolve("pg_hba.conf");
    assertThat(EmbeddedWarehouse.trustLines(hba)).isZero();
    assertThat(Files.readAllLines(hba).stream().filter(l -> l.startsWith("host")))
        .isNotEmpty()
        .allMatch(l -> l.trim().endsWith("scram-sha-256"));
  }

  @Test
  void connectionsWithoutTheRightPasswordAreRefused() {
    assertThatThrownBy(() -> connect(EmbeddedWarehouse.APP_USER, null).close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password");
    assertThatThrownBy(() -> connect(EmbeddedWarehouse.USER, APP_PW).close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed");
  }

  @Test
  void theApplicationRoleIsANonSuperuserOwningTheMigratedDatabase() throws Exception {
    try (Connection c = connect(EmbeddedWarehouse.APP_USER, APP_PW);
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT r.rolsuper, pg_get_userbyid(d.datdba),"
                    + " (SELECT tableowner FROM pg_tables WHERE tablename = 'consumer_events'),"
                    + " (SELECT count(*) FROM flyway_schema_history WHERE success)"
                    + " FROM pg_roles r, pg_database d"
                    + " WHERE r.rolname = current_user AND d.datname = current_database()")) {
      rs.next();
      assertThat(rs.getBoolean(1)).isFalse();
      assertThat(rs.getString(2)).isEqualTo("cinestream");
      assertThat(rs.getString(3)).isEqualTo("cinestream");
      assertThat(rs.getInt(4)).isGreaterThanOrEqualTo(4);
    }
  }

  @Test
  void copyFromStdinWorksAndCopyToProgramIsRefused() throws Exception {
    try (Connection c = connect(EmbeddedWarehouse.APP_USER, APP_PW);
        Statement st = c.createStatement()) {
      st.execute("CREATE TEMP TABLE copied (id int, name text)");
      long rows =
          c.unwrap(PGConnection.class)
              .getCopyAPI()
              .copyIn("COPY copied FROM STDIN (FORMAT csv)", new StringReader("1,a\n2,b\n"));
      assertThat(rows).isEqualTo(2);
      Path marker = home.resolve("copy-to-program-ran");
      assertThatThrownBy(
              () -> st.execute("COPY copied TO PROGRAM 'touch " + marker.toAbsolutePath() + "'"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("pg_execute_server_program")
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("42501");
      assertThat(marker).doesNotExist();
    }
  }

  @Test
  void aRestartKeepsTheDataAndTheRole() throws Exception {
    warehouse.close();
    warehouse = startAgain();
    try (Connection c = connect(EmbeddedWarehouse.APP_USER, APP_PW);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM flyway_schema_history")) {
      rs.next();
      assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(4);
    }
  }

  @Test
  void aTrustModeDataDirectoryIsRefusedWithAClearMessage(@TempDir Path old) throws Exception {
    Path legacy = Files.createDirectories(old.resolve("postgres"));
    Files.writeString(
        legacy.resolve("pg_hba.conf"),
        "# comment trust\nlocal all all trust\nhost all all 127.0.0.1/32 trust\n");
    assertThat(EmbeddedWarehouse.trustLines(legacy.resolve("pg_hba.conf"))).isEqualTo(2);
    assertThatThrownBy(
            () ->
                EmbeddedWarehouse.startSecured(
                    legacy,
                    port,
                    home.resolve("postgres-superuser.password"),
                    home.resolve("postgres.password")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("trust authentication");
  }
}
