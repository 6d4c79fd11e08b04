package io.cinestream.spark.metrics;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command-line options of {@link MetricsSparkJob}. The JDBC password is never an option: it comes
 * from {@value io.cinestream.spark.load.LoaderOptions#PASSWORD_ENV} or the JDBC URL.
 */
@Command(
    name = "spark-metrics",
    mixinStandardHelpOptions = true,
    description =
        "Spark Structured Streaming metric jobs (registration windows, sessions, movie sales):"
            + " the comparison path of the Flink jobs (docs/metrics.md).")
public final class MetricsOptions {

  /** The three metric queries. */
  public enum Job {
    REGISTRATION,
    SESSIONS,
    SALES;

    /** Query name and checkpoint sub-directory, e.g. {@code registration-metrics}. */
    public String queryName() {
      return switch (this) {
        case REGISTRATION -> RegistrationMetrics.NAME;
        case SESSIONS -> SessionMetrics.NAME;
        case SALES -> MovieSalesMetrics.NAME;
      };
    }
  }

  @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers.")
  String bootstrap;

  @Option(names = "--registry", required = true, description = "Schema registry root URL.")
  String registry;

  @Option(
      names = "--jdbc-url",
      required = true,
      description = "Warehouse JDBC URL (metric tables, movies_catalog prices).")
  String jdbcUrl;

  @Option(
      names = "--checkpoint-dir",
      defaultValue = ".local/checkpoints/spark-metrics",
      description = "Checkpoint root; each query uses DIR/<query name> (default ${DEFAULT-VALUE}).")
  String checkpointDir;

  @Option(
      names = "--jobs",
      split = ",",
      paramLabel = "registration|sessions|sales",
      description = "Queries to run (default: all three).")
  List<String> jobs;

  @Option(
      names = "--once",
      description =
          "Available-now trigger: process what the topics hold now (several micro-batches), then"
              + " stop. Without it the queries run until stopped.")
  boolean once;

  @Option(
      names = "--trigger-interval",
      defaultValue = "10 seconds",
      description = "Micro-batch interval without --once (default ${DEFAULT-VALUE}).")
  String triggerInterval;

  @Option(
      names = "--starting-offsets",
      defaultValue = "earliest",
      description = "Where a query without a checkpoint starts (default ${DEFAULT-VALUE}).")
  String startingOffsets;

  @Option(
      names = "--max-offsets-per-trigger",
      defaultValue = "0",
      description =
          "Most Kafka records per micro-batch over all partitions, 0 = no limit (default"
              + " ${DEFAULT-VALUE}). The bench sets it so that a catch-up run has many batches and"
              + " a steady-state rate; with --once the available-now trigger honours it.")
  long maxOffsetsPerTrigger;

  @Option(
      names = "--max-out-of-orderness-s",
      defaultValue = "120",
      description = "Watermark lag in seconds (DESIGN default ${DEFAULT-VALUE}).")
  long maxOutOfOrdernessS;

  @Option(
      names = "--session-timeout-min",
      defaultValue = "120",
      description = "Session timeout in minutes (DESIGN default ${DEFAULT-VALUE}).")
  long sessionTimeoutMin;

  @Option(
      names = "--max-event-time-ahead",
      defaultValue = "PT2M",
      paramLabel = "DURATION",
      description =
          "An event dated more than this (ISO-8601) after the wall clock at decode is skipped as"
              + " a dead letter (INVALID_VALUE), so it cannot move the watermark: the rule of the"
              + " Flink jobs' flag of the same name and of the raw loader (default:"
              + " ${DEFAULT-VALUE}).")
  Duration maxEventTimeAhead;

  @Option(
      names = "--kafka-option",
      paramLabel = "KEY=VALUE",
      description = "Extra Kafka consumer setting, passed as kafka.KEY (repeatable).")
  Map<String, String> kafkaOptions = new LinkedHashMap<>();

  /**
   * Parses and validates arguments.
   *
   * @param args command-line arguments
   * @return the options, or null when help or version was printed
   * @throws CommandLine.ParameterException on an unknown or malformed option, an unknown job name,
   *     a non-positive watermark lag / session timeout, or a negative {@code
   *     --max-event-time-ahead}
   */
  public static MetricsOptions parse(String... args) {
    MetricsOptions options = new MetricsOptions();
    CommandLine cli = new CommandLine(options);
    cli.parseArgs(args);
    if (CommandLine.printHelpIfRequested(cli.getParseResult())) {
      return null;
    }
    if (options.jobs != null) {
      for (String job : options.jobs) {
        try {
          Job.valueOf(job.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new CommandLine.ParameterException(
              cli, "unknown job '" + job + "' (registration, sessions, sales)");
        }
      }
    }
    if (options.maxOutOfOrdernessS <= 0 || options.sessionTimeoutMin <= 0) {
      throw new CommandLine.ParameterException(
          cli, "--max-out-of-orderness-s and --session-timeout-min must be positive");
    }
    if (options.maxEventTimeAhead.isNegative()) {
      throw new CommandLine.ParameterException(
          cli, "--max-event-time-ahead must be >= 0, got " + options.maxEventTimeAhead);
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

  /** Warehouse JDBC URL. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The checkpoint of one query: {@code <checkpoint-dir>/<query name>}. */
  public String checkpoint(Job job) {
    return checkpointDir + "/" + job.queryName();
  }

  /** The selected queries, in declaration order. */
  public EnumSet<Job> jobs() {
    if (jobs == null) {
      return EnumSet.allOf(Job.class);
    }
    EnumSet<Job> selected = EnumSet.noneOf(Job.class);
    jobs.forEach(j -> selected.add(Job.valueOf(j.toUpperCase(Locale.ROOT))));
    return selected;
  }

  /** Whether to use the available-now trigger. */
  public boolean once() {
    return once;
  }

  /** Processing-time trigger interval, e.g. {@code 10 seconds}. */
  public String triggerInterval() {
    return triggerInterval;
  }

  /** Spark's {@code maxOffsetsPerTrigger}, or 0 for no limit. */
  public long maxOffsetsPerTrigger() {
    return maxOffsetsPerTrigger;
  }

  /** {@code earliest} or {@code latest}. */
  public String startingOffsets() {
    return startingOffsets;
  }

  /** DESIGN's max_out_of_orderness. */
  public Duration maxOutOfOrderness() {
    return Duration.ofSeconds(maxOutOfOrdernessS);
  }

  /** DESIGN's session_timeout. */
  public Duration sessionTimeout() {
    return Duration.ofMinutes(sessionTimeoutMin);
  }

  /**
   * How far after the wall clock an event time may be ({@code --max-event-time-ahead}, default 2
   * min): a later one is an {@code INVALID_VALUE} dead letter (EventValues).
   */
  public Duration maxEventTimeAhead() {
    return maxEventTimeAhead;
  }

  /** Extra Kafka consumer settings without the {@code kafka.} prefix. */
  public Map<String, String> kafkaOptions() {
    return kafkaOptions;
  }

  /** {@code password} when the password environment variable is set. */
  public Properties jdbcProperties() {
    Properties properties = new Properties();
    String password = System.getenv(io.cinestream.spark.load.LoaderOptions.PASSWORD_ENV);
    if (password != null) {
      properties.setProperty("password", password);
    }
    return properties;
  }
}
