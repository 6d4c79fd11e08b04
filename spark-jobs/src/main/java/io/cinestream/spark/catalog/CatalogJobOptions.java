package io.cinestream.spark.catalog;

import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command-line options of {@link MovieCatalogJob}. The JDBC password is never an option (it would
 * show in process lists): it comes from the environment variable {@value #PASSWORD_ENV}, or inside
 * the JDBC URL.
 */
@Command(
    name = "movie-catalog",
    mixinStandardHelpOptions = true,
    description =
        "Parses the Movies.txt catalogue, merges repeated products and writes them to Kafka"
            + " (movies_catalog_enriched) and PostgreSQL (movies_catalog, quarantine).")
public final class CatalogJobOptions {

  /** Environment variable holding the JDBC password. */
  public static final String PASSWORD_ENV = "CINESTREAM_JDBC_PASSWORD";

  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      description = "Catalogue file (cp1252), directory or glob; any Hadoop file system.")
  String input;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (required unless --no-kafka).")
  String bootstrap;

  @Option(
      names = "--registry",
      paramLabel = "URL",
      description =
          "Schema registry root, e.g. http://127.0.0.1:8081 (required unless --no-kafka).")
  String registry;

  @Option(
      names = "--jdbc-url",
      paramLabel = "URL",
      description =
          "PostgreSQL JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/cinestream"
              + " (required unless --no-jdbc).")
  String jdbcUrl;

  @Option(names = "--jdbc-user", paramLabel = "USER", description = "PostgreSQL user.")
  String jdbcUser;

  @Option(
      names = "--topic",
      defaultValue = "movies_catalog_enriched",
      description = "Kafka topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--summary-json",
      paramLabel = "FILE",
      description = "Also write the data-quality summary to FILE as JSON (CatalogSummary.toJson).")
  java.nio.file.Path summaryJson;

  @Option(
      names = "--max-record-bytes",
      paramLabel = "BYTES",
      defaultValue = "65536",
      description =
          "Maximum record size; a longer record is quarantined as record_too_large, not parsed"
              + " (default: ${DEFAULT-VALUE}, 64 KiB).")
  int maxRecordBytes;

  @Option(
      names = "--max-undefined-cp1252-ratio",
      paramLabel = "RATIO",
      defaultValue = "0.01",
      description =
          "Fail before writing when more than RATIO of the records read (0 to 1) hold a byte that"
              + " cp1252 leaves undefined: 0x81, 0x8D, 0x8F, 0x90, 0x9D (default: ${DEFAULT-VALUE}).")
  double maxUndefinedCp1252Ratio;

  @Option(
      names = "--max-likely-utf8-ratio",
      paramLabel = "RATIO",
      defaultValue = "0.01",
      description =
          "Fail before writing when more than RATIO of the records read (0 to 1) look like UTF-8"
              + " (default: ${DEFAULT-VALUE}).")
  double maxLikelyUtf8Ratio;

  @Option(names = "--no-kafka", description = "Do not write to Kafka.")
  boolean noKafka;

  @Option(names = "--no-jdbc", description = "Do not write to PostgreSQL.")
  boolean noJdbc;

  @Option(
      names = "--lake",
      paramLabel = "URI",
      description =
          "Also write the quarantined records to the bronze lake at URI, under"
              + " quarantine/movies_catalog/source=<file name>/ (docs/architecture.md#bronze-lake)."
              + " Default: no lake.")
  String lake;

  /**
   * Parses and validates arguments.
   *
   * @param args command-line arguments
   * @return the options, or null when {@code --help} or {@code --version} was asked for (the answer
   *     is then already printed to stdout)
   * @throws CommandLine.ParameterException when an option is unknown, a required one is missing, or
   *     a sink is enabled without its address, or a limit is out of range ({@code
   *     --max-record-bytes} below 1, a ratio outside 0 to 1)
   */
  public static CatalogJobOptions parse(String... args) {
    CatalogJobOptions options = new CatalogJobOptions();
    CommandLine cli = new CommandLine(options);
    cli.parseArgs(args);
    if (CommandLine.printHelpIfRequested(cli.getParseResult())) {
      return null;
    }
    if (!options.noKafka && (options.bootstrap == null || options.registry == null)) {
      throw new CommandLine.ParameterException(
          cli, "--bootstrap and --registry are required unless --no-kafka is given");
    }
    if (!options.noJdbc && options.jdbcUrl == null) {
      throw new CommandLine.ParameterException(
          cli, "--jdbc-url is required unless --no-jdbc is given");
    }
    if (options.maxRecordBytes < 1) {
      throw new CommandLine.ParameterException(cli, "--max-record-bytes must be at least 1");
    }
    for (double ratio :
        new double[] {options.maxUndefinedCp1252Ratio, options.maxLikelyUtf8Ratio}) {
      if (!(ratio >= 0 && ratio <= 1)) {
        throw new CommandLine.ParameterException(
            cli,
            "--max-undefined-cp1252-ratio and --max-likely-utf8-ratio must lie between 0 and 1");
      }
    }
    return options;
  }

  /**
   * @return the maximum record size in bytes (positive; default 65,536)
   */
  public int maxRecordBytes() {
    return maxRecordBytes;
  }

  /**
   * @return the largest tolerated fraction (0 to 1; default 0.01) of records read that hold an
   *     undefined cp1252 byte
   */
  public double maxUndefinedCp1252Ratio() {
    return maxUndefinedCp1252Ratio;
  }

  /**
   * @return the largest tolerated fraction (0 to 1; default 0.01) of records read that look like
   *     UTF-8
   */
  public double maxLikelyUtf8Ratio() {
    return maxLikelyUtf8Ratio;
  }

  /**
   * @return the input path as given
   */
  public String input() {
    return input;
  }

  /**
   * @return where to write the JSON summary, or null for none
   */
  public java.nio.file.Path summaryJson() {
    return summaryJson;
  }

  /**
   * @return the bronze lake's root URI ({@code --lake}), or null when the lake is off
   */
  public String lake() {
    return lake;
  }

  /**
   * @return whether to write to Kafka
   */
  public boolean kafkaEnabled() {
    return !noKafka;
  }

  /**
   * @return whether to write to PostgreSQL
   */
  public boolean jdbcEnabled() {
    return !noJdbc;
  }

  /**
   * @return Kafka bootstrap servers, null with {@code --no-kafka}
   */
  public String bootstrap() {
    return bootstrap;
  }

  /**
   * @return schema registry URL, null with {@code --no-kafka}
   */
  public String registry() {
    return registry;
  }

  /**
   * @return the Kafka topic
   */
  public String topic() {
    return topic;
  }

  /**
   * @return the JDBC URL, null with {@code --no-jdbc}
   */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /**
   * @return {@code user} (when given) and {@code password} (when {@value #PASSWORD_ENV} is set)
   */
  public Properties jdbcProperties() {
    Properties properties = new Properties();
    if (jdbcUser != null) {
      properties.setProperty("user", jdbcUser);
    }
    String password = System.getenv(PASSWORD_ENV);
    if (password != null) {
      properties.setProperty("password", password);
    }
    return properties;
  }
}
