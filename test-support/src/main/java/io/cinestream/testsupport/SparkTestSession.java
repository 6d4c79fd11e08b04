package io.cinestream.testsupport;

import org.apache.spark.sql.SparkSession;

/**
 * The one small local Spark session of a test JVM (Surefire reuses one fork per module): {@code
 * local[2]}, two shuffle partitions, no UI, UTC session time zone, driver on 127.0.0.1. Spark stops
 * it in its own shutdown hook. Spark is a provided dependency of this module: only a module that
 * has Spark on its test classpath (spark-jobs) can call this.
 */
public final class SparkTestSession {

  private static SparkSession session;

  private SparkTestSession() {}

  /**
   * The shared session, built on first call.
   *
   * @return the session (the same instance on every call)
   */
  public static synchronized SparkSession get() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("cinestream-tests")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.default.parallelism", "2")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.session.timeZone", "UTC")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .getOrCreate();
    }
    return session;
  }
}
