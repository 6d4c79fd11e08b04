package io.cinestream.schemas.warehouse;

import java.util.Map;
import java.util.Properties;

/**
 * How every warehouse writer that takes a JDBC URL (Flink's sinks, Spark's metric writer and
 * loaders, the verifier) finds its credentials: from the URL when it carries them, else from the
 * environment, never from a command line.
 *
 * <ul>
 *   <li>{@code jdbc:snowflake:}: {@code SNOWFLAKE_USER} and either {@code SNOWFLAKE_PASSWORD} or
 *       {@code SNOWFLAKE_PRIVATE_KEY_FILE} (key-pair authentication), the same variables (and k8s
 *       Secret {@code cinestream-snowflake}) the Spark raw loader's spark-snowflake target reads.
 *   <li>{@code jdbc:postgresql:}: the user is a URL parameter; the password comes from {@value
 *       #PASSWORD_ENV} (Secret {@code cinestream-warehouse}) when set.
 * </ul>
 */
public final class WarehouseConnections {

  /** The PostgreSQL password variable. */
  public static final String PASSWORD_ENV = "CINESTREAM_JDBC_PASSWORD";

  /** Snowflake user, password and key file variables. */
  public static final String SNOWFLAKE_USER_ENV = "SNOWFLAKE_USER";

  /** The Snowflake password variable. */
  public static final String SNOWFLAKE_PASSWORD_ENV = "SNOWFLAKE_PASSWORD";

  /** The Snowflake private key file variable (unencrypted PKCS#8 PEM). */
  public static final String SNOWFLAKE_KEY_FILE_ENV = "SNOWFLAKE_PRIVATE_KEY_FILE";

  private WarehouseConnections() {}

  /**
   * The JDBC connection properties for a URL.
   *
   * @param jdbcUrl the warehouse URL
   * @param env the environment, e.g. {@code System.getenv()}
   * @return {@code user}/{@code password}/{@code private_key_file} for what the URL lacks and the
   *     environment has; for Snowflake also {@code TIMEZONE=UTC}; possibly empty
   * @throws IllegalArgumentException when the URL is neither PostgreSQL nor Snowflake
   */
  public static Properties properties(String jdbcUrl, Map<String, String> env) {
    Properties p = new Properties();
    if (SqlDialect.forJdbcUrl(jdbcUrl) == SqlDialect.SNOWFLAKE) {
      putUnlessInUrl(p, jdbcUrl, "user", env.get(SNOWFLAKE_USER_ENV));
      if (!hasParameter(jdbcUrl, "password") && !hasParameter(jdbcUrl, "private_key_file")) {
        if (!blank(env.get(SNOWFLAKE_KEY_FILE_ENV))) {
          p.setProperty("private_key_file", env.get(SNOWFLAKE_KEY_FILE_ENV));
        } else if (!blank(env.get(SNOWFLAKE_PASSWORD_ENV))) {
          p.setProperty("password", env.get(SNOWFLAKE_PASSWORD_ENV));
        }
      }
      if (!hasParameter(jdbcUrl, "TIMEZONE")) {
        p.setProperty("TIMEZONE", "UTC");
      }
    } else {
      putUnlessInUrl(p, jdbcUrl, "password", env.get(PASSWORD_ENV));
    }
    return p;
  }

  private static void putUnlessInUrl(Properties p, String url, String name, String value) {
    if (!hasParameter(url, name) && !blank(value)) {
      p.setProperty(name, value);
    }
  }

  /** Whether the URL's query string has {@code name=} (case-insensitive). */
  static boolean hasParameter(String url, String name) {
    int q = url.indexOf('?');
    if (q < 0) {
      return false;
    }
    for (String pair : url.substring(q + 1).split("&")) {
      if (pair.regionMatches(true, 0, name + "=", 0, name.length() + 1)) {
        return true;
      }
    }
    return false;
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
