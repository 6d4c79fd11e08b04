package io.cinestream.spark.catalog;

import org.apache.spark.sql.SparkSession;

/**
 * One small local Spark session shared by the test classes of this JVM (Surefire reuses one fork):
 * local[2], two shuffle partitions, no UI. Spark stops it in its shutdown hook.
 */
final class SparkTestSession {

  private static SparkSession session;

  private SparkTestSession() {}

  static synchronized SparkSession get() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("spark-jobs-tests")
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
