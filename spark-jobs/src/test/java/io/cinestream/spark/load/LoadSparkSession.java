package io.cinestream.spark.load;

import org.apache.spark.sql.SparkSession;

/**
 * The small local Spark session of the load tests: local[2], two shuffle partitions, no UI, UTC. It
 * is the same session the catalogue tests build (Spark returns the existing one), with the same
 * settings, so either package may create it first.
 */
final class LoadSparkSession {

  private LoadSparkSession() {}

  static synchronized SparkSession get() {
    return SparkSession.builder()
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
}
