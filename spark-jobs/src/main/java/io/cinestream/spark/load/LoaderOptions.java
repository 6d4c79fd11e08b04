package io.cinestream.spark.load;

import io.cinestream.schemas.Topic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command-line options of {@link RawEventLoader}. The JDBC password is never an option (it would
 * show in process lists): it comes from the environment variable {@value #PASSWORD_ENV}, or inside
 * the JDBC URL; Snowflake credentials come from the environment ({@link SnowflakeWarehouseWriter}).
 */
@Command(
    name = "raw-event-loader",
    mixinStandardHelpOptions = true,
    description =
        "Streams the event topics into the raw warehouse tables (micro-batches, idempotent"
            + " writes, undecodable records to dead_letter_events).")
public final class LoaderOptions {

  /** Environment variable holding the PostgreSQL password. */
  public static final String PASSWORD_ENV = "CINESTREAM_JDBC_PASSWORD";

  /** Warehouse targets. */
  public enum Target {
    POSTGRES,
    SNOWFLAKE
  }

  @Option(
      names = "--bootstrap",
      required = true,
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers.")
  String bootstrap;

  @Option(
      names = "--registry",
      required = true,
      paramLabel = "URL",
      description = "Schema registry root, e.g. http://127.0.0.1:8081.")
  String registry;

  @Option(
      names = "--target",
      defaultValue = "postgres",
      paramLabel = "postgres|snowflake",
      converter = TargetConverter.class,
      description = "Warehouse (default: ${DEFAULT-VALUE}).")
  Target target;

  @Option(
      names = "--jdbc-url",
      paramLabel = "URL",
      description =
          "PostgreSQL JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/cinestream?user=postgres"
              + " (required with --target postgres).")
  String jdbcUrl;

  @Option(names = "--jdbc-user", paramLabel = "USER", description = "PostgreSQL user.")
  String jdbcUser;

  @Option(
      names = "--pg-write-mode",
      defaultValue = "copy",
      paramLabel = "copy|insert",
      converter = ModeConverter.class,
      description =
          "PostgreSQL write path: COPY into a staging table + INSERT ... SELECT ON CONFLICT, or"
              + " batched INSERT ON CONFLICT (default: ${DEFAULT-VALUE}; see"
              + " bench/loader-throughput.sh).")
  PostgresWarehouseWriter.Mode pgWriteMode;

  @Option(
      names = "--checkpoint-dir",
      defaultValue = ".local/checkpoints/raw-loader",
      paramLabel = "DIR",
      description =
          "Checkpoint root; the query checkpoints into DIR/<target> (default: ${DEFAULT-VALUE}).")
  String checkpointDir;

  @Option(
      names = "--starting-offsets",
      defaultValue = "earliest",
      paramLabel = "earliest|latest",
      description =
          "Where a query without a checkpoint starts (default: ${DEFAULT-VALUE}); ignored once"
              + " the checkpoint exists.")
  String startingOffsets;

  @Option(
      names = "--trigger-interval",
      defaultValue = "10 seconds",
      paramLabel = "INTERVAL",
      description = "Micro-batch interval, e.g. '10 seconds' (default: ${DEFAULT-VALUE}).")
  String triggerInterval;

  @Option(
      names = "--once",
      description = "Load what is available now (in one or more batches), then stop.")
  boolean once;

  @Option(
      names = "--max-offsets-per-trigger",
      paramLabel = "N",
      description = "Upper bound of records per micro-batch (default: no bound).")
  Long maxOffsetsPerTrigger;

  @Option(
      names = "--write-tasks",
      paramLabel = "N",
      description =
          "Spark tasks (and warehouse transactions) per micro-batch: the batch's Kafka"
              + " topic-partitions are coalesced into at most N partitions (default: one task"
              + " per topic-partition).")
  Integer writeTasks;

  @Option(
      names = "--max-event-time-ahead",
      defaultValue = "PT2M",
      paramLabel = "DURATION",
      description =
          "An event dated more than this (ISO-8601) after the wall clock at decode is a dead"
              + " letter (INVALID_VALUE), the rule of the Flink jobs (default: ${DEFAULT-VALUE}).")
  java.time.Duration maxEventTimeAhead;

  @Option(
      names = "--lake",
      paramLabel = "URI",
      description =
          "Also write every decoded record exactly once to the bronze Parquet lake at URI (a"
              + " folder, s3a://, gs://, abfss://; docs/architecture.md#bronze-lake). Default: no"
              + " lake.")
  String lake;

  @Option(
      names = "--topics",
      split = ",",
      paramLabel = "TOPIC[,TOPIC...]",
      description = "Event topics to load (default: all seven event topics).")
  List<String> topics;

  @Option(
      names = "--kafka-option",
      paramLabel = "KEY=VALUE",
      description =
          "Extra Kafka consumer setting, e.g. security.protocol=SASL_SSL (repeatable); passed as"
              + " kafka.KEY to Spark's Kafka source.")
  Map<String, String> kafkaOptions = new LinkedHashMap<>();

  /**
   * Parses and validates arguments.
   *
   * @param args command-line arguments
   * @return the options, or null when {@code --help} or {@code --version} was asked for (the answer
   *     is then already printed to stdout)
   * @throws CommandLine.ParameterException when an option is unknown or malformed, a required one
   *     is missing, a topic is not an event topic, or {@code --starting-offsets} is neither {@code
   *     earliest} nor {@code latest}
   */
  public static LoaderOptions parse(String... args) {
    LoaderOptions options = new LoaderOptions();
    CommandLine cli = new CommandLine(options);
    cli.parseArgs(args);
    if (CommandLine.printHelpIfRequested(cli.getParseResult())) {
      return null;
    }
    if (options.target == Target.POSTGRES && options.jdbcUrl == null) {
      throw new CommandLine.ParameterException(
          cli, "--jdbc-url is required with --target postgres");
    }
    if (!List.of("earliest", "latest").contains(options.startingOffsets)) {
      throw new CommandLine.ParameterException(
          cli, "--starting-offsets must be earliest or latest, not " + options.startingOffsets);
    }
    if (options.topics != null) {
      for (String topic : options.topics) {
        if (Topic.byName(topic).filter(Topic::isEvent).isEmpty()) {
          throw new CommandLine.ParameterException(cli, topic + " is not an event topic");
        }
      }
    }
    if (options.writeTasks != null && options.writeTasks <= 0) {
      throw new CommandLine.ParameterException(cli, "--write-tasks must be positive");
    }
    if (options.maxOffsetsPerTrigger != null && options.maxOffsetsPerTrigger <= 0) {
      throw new CommandLine.ParameterException(cli, "--max-offsets-per-trigger must be positive");
    }
    return options;
  }

  /** Kafka bootstrap servers. */
  public String bootstrap() {
    return bootstrap;
  }

  /** Schema registry root URL. */
  public String registry() {
    return registry;
  }

  /** The warehouse target. */
  public Target target() {
    return target;
  }

  /** The PostgreSQL JDBC URL, null for other targets when not given. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The PostgreSQL write path. */
  public PostgresWarehouseWriter.Mode pgWriteMode() {
    return pgWriteMode;
  }

  /** The checkpoint root directory (any Hadoop file system path). */
  public String checkpointDir() {
    return checkpointDir;
  }

  /** The query's own checkpoint: {@code <checkpoint-dir>/<target>}. */
  public String queryCheckpoint() {
    return checkpointDir + "/" + target.name().toLowerCase(Locale.ROOT);
  }

  /** {@code earliest} or {@code latest}. */
  public String startingOffsets() {
    return startingOffsets;
  }

  /** The processing-time trigger interval, e.g. {@code 10 seconds}. */
  public String triggerInterval() {
    return triggerInterval;
  }

  /** Whether to load what is available now and stop (available-now trigger). */
  public boolean once() {
    return once;
  }

  /** Upper bound of records per micro-batch, or null for none. */
  public Long maxOffsetsPerTrigger() {
    return maxOffsetsPerTrigger;
  }

  /**
   * Upper bound of Spark tasks per micro-batch ({@code --write-tasks}), or null for one task per
   * Kafka topic-partition.
   */
  public Integer writeTasks() {
    return writeTasks;
  }

  /** How far after the wall clock an event time may be ({@code --max-event-time-ahead}). */
  public java.time.Duration maxEventTimeAhead() {
    return maxEventTimeAhead;
  }

  /** The bronze lake's root URI ({@code --lake}), or null when the lake is off. */
  public String lake() {
    return lake;
  }

  /** The event topics to load, in {@link Topic} order. */
  public List<Topic> topics() {
    if (topics == null) {
      return Topic.events();
    }
    List<Topic> selected = new ArrayList<>();
    for (Topic topic : Topic.events()) {
      if (topics.contains(topic.topicName())) {
        selected.add(topic);
      }
    }
    return selected;
  }

  /** Extra Kafka consumer settings, without the {@code kafka.} prefix. */
  public Map<String, String> kafkaOptions() {
    return kafkaOptions;
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

  static final class TargetConverter implements CommandLine.ITypeConverter<Target> {
    @Override
    public Target convert(String value) {
      return Target.valueOf(value.toUpperCase(Locale.ROOT));
    }
  }

  static final class ModeConverter
      implements CommandLine.ITypeConverter<PostgresWarehouseWriter.Mode> {
    @Override
    public PostgresWarehouseWriter.Mode convert(String value) {
      return PostgresWarehouseWriter.Mode.valueOf(value.toUpperCase(Locale.ROOT));
    }
  }
}
