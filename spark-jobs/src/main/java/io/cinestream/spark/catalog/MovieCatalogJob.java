package io.cinestream.spark.catalog;

import io.cinestream.schemas.serde.SchemaRegistryClientFactory;
import java.io.IOException;
import java.nio.file.Files;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The movie-catalogue job (DESIGN.md section 3): reads Movies.txt-format files, parses every record
 * ({@link CatalogRecordParser}), merges repeated products (last record in file order wins), and
 * writes
 *
 * <ul>
 *   <li>Kafka topic {@code movies_catalog_enriched} (key = {@code item_id}, value = Avro {@code
 *       MovieCatalogEnriched}, Confluent wire format) with Spark's kafka sink;
 *   <li>PostgreSQL {@code movies_catalog} (upsert) and {@code movies_catalog_quarantine}.
 * </ul>
 *
 * Every output is idempotent: re-running on the same file leaves the tables as they are (Kafka gets
 * the same key/value again; the topic is compacted). Ends by logging and printing a {@link
 * CatalogSummary}.
 *
 * <p>Run: {@code spark-submit --class io.cinestream.spark.catalog.MovieCatalogJob
 * spark-jobs/target/spark-jobs.jar --input data/Movies.txt --bootstrap 127.0.0.1:9092 --registry
 * http://127.0.0.1:8081 --jdbc-url jdbc:postgresql://127.0.0.1:5432/cinestream}; options in {@link
 * CatalogJobOptions}.
 */
public final class MovieCatalogJob {

  private static final Logger LOG = LoggerFactory.getLogger(MovieCatalogJob.class);

  private MovieCatalogJob() {}

  /**
   * Parses the arguments, builds the session (master and resources come from spark-submit), runs
   * the job and prints its summary to stdout (and, with {@code --summary-json FILE}, writes it to
   * FILE as JSON). Exits with status 2 on bad arguments.
   *
   * @param args see {@link CatalogJobOptions}
   * @throws IOException when the JSON summary cannot be written
   */
  public static void main(String[] args) throws IOException {
    CatalogJobOptions options;
    try {
      options = CatalogJobOptions.parse(args);
    } catch (CommandLine.ParameterException e) {
      System.err.println(e.getMessage());
      e.getCommandLine().usage(System.err);
      System.exit(2);
      return;
    }
    if (options == null) {
      return;
    }
    SparkSession spark = SparkSession.builder().appName("movie-catalog").getOrCreate();
    try {
      CatalogSummary summary = run(spark, options);
      System.out.print(summary.render());
      if (options.summaryJson() != null) {
        Files.writeString(options.summaryJson(), summary.toJson() + "\n");
      }
    } finally {
      spark.stop();
    }
  }

  /**
   * Runs the whole job on an existing session.
   *
   * @param spark the session
   * @param options input and sinks
   * @return the data-quality summary, computed before writing
   * @throws org.apache.spark.SparkException (wrapped as thrown by Spark actions) when the input is
   *     missing or a sink fails (registry, broker or database unreachable, SQL error)
   */
  public static CatalogSummary run(SparkSession spark, CatalogJobOptions options) {
    long started = System.nanoTime();
    Dataset<Row> parsed =
        CatalogTransforms.parseRecords(CatalogInput.readRawRecords(spark, options.input()))
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> products =
        CatalogTransforms.mergeLatestPerProduct(CatalogTransforms.usableRecords(parsed))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      CatalogSummary summary = CatalogSummary.of(parsed, products);
      LOG.info("{}", summary.render());
      if (options.kafkaEnabled()) {
        String registryUrl = options.registry();
        KafkaCatalogRecords.toKafkaRecords(
                products, SchemaRegistryClientFactory.forUrl(registryUrl), options.topic())
            .write()
            .format("kafka")
            .option("kafka.bootstrap.servers", options.bootstrap())
            .option("kafka.acks", "all")
            .option("kafka.enable.idempotence", "true")
            .option("topic", options.topic())
            .save();
        LOG.info(
            "wrote {} products to Kafka topic {}", summary.distinctProducts(), options.topic());
      }
      if (options.jdbcEnabled()) {
        JdbcCatalogWriter writer =
            new JdbcCatalogWriter(options.jdbcUrl(), options.jdbcProperties());
        writer.upsertProducts(products);
        writer.insertQuarantine(CatalogTransforms.quarantinedRecords(parsed));
        LOG.info("upserted movies_catalog and movies_catalog_quarantine");
      }
      LOG.info("movie catalogue done in {} ms", (System.nanoTime() - started) / 1_000_000);
      return summary;
    } finally {
      products.unpersist();
      parsed.unpersist();
    }
  }
}
