package io.cinestream.schemas.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class WarehouseConnectionsTest {

  @Test
  void snowflakeTakesUserAndPasswordFromTheEnvironment() {
    Properties p =
        WarehouseConnections.properties(
            "jdbc:snowflake://acct.snowflakecomputing.com/?db=CINESTREAM&schema=METRICS",
            Map.of("SNOWFLAKE_USER", "loader", "SNOWFLAKE_PASSWORD", "pw"));
    assertThat(p)
        .containsOnly(
            Map.entry("user", "loader"), Map.entry("password", "pw"), Map.entry("TIMEZONE", "UTC"));
  }

  @Test
  void snowflakePrefersTheKeyFileAndLeavesUrlCredentialsAlone() {
    Properties p =
        WarehouseConnections.properties(
            "jdbc:snowflake://acct.snowflakecomputing.com/?user=u&db=X",
            Map.of(
                "SNOWFLAKE_USER", "other",
                "SNOWFLAKE_PASSWORD", "pw",
                "SNOWFLAKE_PRIVATE_KEY_FILE", "/secrets/key.p8"));
    assertThat(p)
        .containsOnly(
            Map.entry("private_key_file", "/secrets/key.p8"), Map.entry("TIMEZONE", "UTC"));
  }

  @Test
  void postgresTakesOnlyThePasswordAndOnlyWhenTheUrlHasNone() {
    assertThat(
            WarehouseConnections.properties(
                "jdbc:postgresql://h/cinestream?user=postgres",
                Map.of("CINESTREAM_JDBC_PASSWORD", "pw", "SNOWFLAKE_USER", "x")))
        .containsOnly(Map.entry("password", "pw"));
    assertThat(
            WarehouseConnections.properties(
                "jdbc:postgresql://h/cinestream?user=postgres&password=REPLACE_ME_inline",
                Map.of("CINESTREAM_JDBC_PASSWORD", "pw")))
        .isEmpty();
  }
}
