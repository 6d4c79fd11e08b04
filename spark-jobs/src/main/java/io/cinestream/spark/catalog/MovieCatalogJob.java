package io.cinestream.spark.catalog;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_extract;

import io.cinestream.schemas.serde.SchemaRegistryClientFactory;
import io.cinestream.spark.load.BronzeLake;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The movie-catalogue job (docs/operations.md#the-movie-catalogue): reads Movies.txt-format files,
 * parses every record ({@link CatalogRecordParser}), merges repeated products (last record in file
 * order wins), and writes
 *
 * <ul>
 *   <li>Kafka topic {@code movies_catalog_enriched} (key = {@code item_id}, value = Avro {@code
 *       MovieCatalogEnriched}, Confluent wire format) with Spark's kafka sink;
 *   <li>PostgreSQL {@code movies_catalog} (upsert) and {@code movies_catalog_quarantine};
 *   <li>with {@code --lake}, the quarantined records also to the bronze lake.
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
   * FILE as JSON). Exits with status 2 on bad arguments, and with status 3 when the input fails the
   * encoding check ({@link CatalogEncodingException}: the summary is still printed and written, the
   * reason goes to stderr, nothing is written to Kafka or PostgreSQL).
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
    int status = 0;
    try {
      CatalogSummary summary;
      try {
        summary = run(spark, options);
      } catch (CatalogEncodingException e) {
        summary = e.summary();
        System.err.println(e.getMessage());
        status = 3;
      }
      System.out.print(summary.render());
      if (options.summaryJson() != null) {
        Files.writeString(options.summaryJson(), summary.toJson() + "\n");
      }
    } finally {
      spark.stop();
    }
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs the whole job on an existing session.
   *
   * @param spark the session
   * @param options input and sinks
   * @return the data-quality summary, computed before writing
   * @throws CatalogEncodingException before anything is written, when more than {@link
   *     CatalogJobOptions#maxLikelyUtf8Ratio()} of the records read look like UTF-8 or more than
   *     {@link CatalogJobOptions#maxUndefinedCp1252Ratio()} hold undefined cp1252 bytes
   * @throws org.apache.spark.SparkException (wrapped as thrown by Spark actions) when the input is
   *     missing or a sink fails (registry, broker or database unreachable, SQL error)
   */
  public static CatalogSummary run(SparkSession spark, CatalogJobOptions options) {
    long started = System.nanoTime();
    Dataset<Row> parsed =
        CatalogTransforms.parseRecords(
                CatalogInput.readRawRecords(spark, options.input()), options.maxRecordBytes())
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> products =
        CatalogTransforms.mergeLatestPerProduct(CatalogTransforms.usableRecords(parsed))
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      CatalogSummary summary = CatalogSummary.of(parsed, products);
      LOG.info("{}", summary.render());
      checkEncoding(parsed, summary, options);
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
      if (options.lake() != null) {
        String dir = new BronzeLake(options.lake()).quarantineDir();
        writeQuarantineToLake(CatalogTransforms.quarantinedRecords(parsed), dir);
        LOG.info("wrote the quarantined records to {}", dir);
      }
      LOG.info("movie catalogue done in {} ms", (System.nanoTime() - started) / 1_000_000);
      return summary;
    } finally {
      products.unpersist();
      parsed.unpersist();
    }
  }

  /**
   * Writes quarantined records to the lake as Parquet, partitioned by the input's file name ({@code
   * source=<name>}); a partition is replaced whole (dynamic partition overwrite), so a rerun on the
   * same file leaves one copy and other files' partitions stay.
   *
   * @param quarantined rows of {@link CatalogTransforms#QUARANTINE_SCHEMA}
   * @param dir the lake's quarantine folder ({@link BronzeLake#quarantineDir()})
   */
  static void writeQuarantineToLake(Dataset<Row> quarantined, String dir) {
    quarantined
        .withColumn("source", regexp_extract(col("source_file"), "([^/\\\\]+)$", 1))
        .write()
        .mode(SaveMode.Overwrite)
        .option("partitionOverwriteMode", "dynamic")
        .partitionBy("source")
        .parquet(dir);
  }

  /** How many record labels a failed encoding check names. */
  static final int SAMPLE_RECORDS = 5;

  /**
   * Refuses input that is too often not Windows-1252. A count fails when {@code count > ratio *
   * recordsRead} (so ratio 1 never fails and ratio 0 fails on the first record).
   *
   * @throws CatalogEncodingException naming every failed count, its share, its limit and flag, and
   *     the first {@value #SAMPLE_RECORDS} records (file order) as {@code ITEM n 'title'}
   */
  static void checkEncoding(
      Dataset<Row> parsed, CatalogSummary summary, CatalogJobOptions options) {
    List<String> problems = new ArrayList<>();
    long read = summary.recordsRead();
    if (summary.likelyUtf8Records() > options.maxLikelyUtf8Ratio() * read) {
      problems.add(
          problem(
              summary.likelyUtf8Records(),
              read,
              "look like UTF-8",
              options.maxLikelyUtf8Ratio(),
              "--max-likely-utf8-ratio",
              samples(parsed, col("likely_utf8"))));
    }
    if (summary.undefinedCp1252Records() > options.maxUndefinedCp1252Ratio() * read) {
      problems.add(
          problem(
              summary.undefinedCp1252Records(),
              read,
              "hold bytes undefined in cp1252 (0x81, 0x8D, 0x8F, 0x90, 0x9D; "
                  + summary.undefinedCp1252Bytes()
                  + " such bytes)",
              options.maxUndefinedCp1252Ratio(),
              "--max-undefined-cp1252-ratio",
              samples(parsed, col("undefined_cp1252_bytes").gt(0))));
    }
    if (!problems.isEmpty()) {
      throw new CatalogEncodingException(
          "catalogue input "
              + options.input()
              + " is not Windows-1252 (cp1252) as the format requires, nothing written: "
              + String.join("; ", problems)
              + ". Convert it (e.g. iconv -f UTF-8 -t WINDOWS-1252) or raise the limit.",
          summary);
    }
  }

  private static String problem(
      long count, long read, String what, double ratio, String flag, List<String> samples) {
    return String.format(
        Locale.ROOT,
        "%,d of %,d records (%.2f%%) %s, above the limit of %.2f%% (%s); first: %s",
        count,
        read,
        100.0 * count / read,
        what,
        100.0 * ratio,
        flag,
        String.join(", ", samples));
  }

  private static List<String> samples(Dataset<Row> parsed, Column condition) {
    List<String> out = new ArrayList<>();
    for (Row r :
        parsed
            .filter(condition)
            .orderBy(col("source_file"), col("offset"))
            .select("item_label", "title")
            .limit(SAMPLE_RECORDS)
            .collectAsList()) {
      String label = r.isNullAt(0) ? "(no ITEM line)" : r.getString(0);
      out.add(r.isNullAt(1) ? label : label + " '" + r.getString(1) + "'");
    }
    return out;
  }
}
