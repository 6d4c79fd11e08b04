package io.cinestream.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One stack per run, resolved as a parameter; each new warehouse database is migrated and empty.
 */
@ExtendWith(LocalStackExtension.class)
class LocalStackExtensionTest {

  private static LocalStack fromBeforeAll;

  @BeforeAll
  static void remember(LocalStack stack) {
    fromBeforeAll = stack;
  }

  @Test
  void resolvesTheSameStackForEveryParameterOfTheRun(LocalStack stack) {
    assertThat(stack).isSameAs(fromBeforeAll);
  }

  @Test
  void newWarehouseDatabasesAreMigratedAndSeeOnlyTheirOwnRows(LocalStack stack) throws Exception {
    String first = stack.newWarehouseDatabase();
    String second = stack.newWarehouseDatabase();
    assertThat(first).isNotEqualTo(second).startsWith("jdbc:postgresql://127.0.0.1:");

    execute(first, "CREATE TABLE only_in_first (id int)");
    execute(first, "INSERT INTO only_in_first VALUES (1), (2)");

    assertThat(count(first, "SELECT count(*) FROM only_in_first")).isEqualTo(2);
    assertThatThrownBy(() -> count(second, "SELECT count(*) FROM only_in_first"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("only_in_first");
    // Both carry the warehouse schema (Flyway's history table records the applied migrations).
    assertThat(count(first, "SELECT count(*) FROM flyway_schema_history WHERE success"))
        .isPositive()
        .isEqualTo(count(second, "SELECT count(*) FROM flyway_schema_history WHERE success"));
  }

  @Test
  void theWarehouseAsksEveryLoginForItsScramPasswordAndTheTestsAreNoSuperuser(LocalStack stack)
      throws Exception {
    String url = stack.newWarehouseDatabase();
    assertThat(url).contains("?user=cinestream&password=" + stack.warehousePassword());

    // As the local stack: no trust line, scram-sha-256, no login without the password.
    assertThatThrownBy(() -> count(LocalStack.withoutPassword(url), "SELECT 1"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password");
    // The password is the URL's last parameter: one more character makes it wrong.
    assertThatThrownBy(() -> count(url + "x", "SELECT 1"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed");
    assertThatThrownBy(
            () ->
                count(
                    LocalStack.withoutPassword(url).replace("user=cinestream", "user=postgres"),
                    "SELECT 1"))
        .isInstanceOf(SQLException.class);
    // The application role cannot run programs on the server (COPY ... TO PROGRAM is superuser's).
    assertThat(
            count(url, "SELECT count(*) FROM pg_roles WHERE rolname = current_user AND rolsuper"))
        .isZero();
  }

  @Test
  void freePortsAreBindableLoopbackPorts() throws Exception {
    int port = Ports.freePort();
    assertThat(port).isBetween(1024, 65535);
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(socket.getLocalPort()).isEqualTo(port);
    }
  }

  private static void execute(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static long count(String url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
