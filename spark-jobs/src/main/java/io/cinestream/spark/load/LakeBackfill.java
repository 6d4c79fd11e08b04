package io.cinestream.spark.load;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.cinestream.schemas.Topic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Rebuilds the raw warehouse tables from the bronze lake ({@code ./pipeline backfill},
 * docs/operations.md#backfill): a batch job that reads the lake's Parquet files of the chosen
 * topics and event dates ({@link BronzeLake}) and writes them with the loader's own idempotent
 * writer (insert if {@code event_id} is absent; dead letters and ticks if their Kafka coordinates
 * are absent). So it fills an emptied table, tops up a partly loaded one, and a second run inserts
 * nothing. It reports, per table, the rows read from the lake, inserted, and skipped (already
 * there).
 *
 * <p>Which copy of a duplicated {@code event_id} (a producer's retry, two offsets of one partition)
 * is inserted: the one with the lowest Kafka coordinates, as in the streaming loader (rows are
 * hashed to write tasks by {@code event_id}, so the copies meet in one task, and the writer inserts
 * in key then coordinate order, see {@link PostgresWarehouseWriter#orderBy}).
 *
 * <p>The event-date bounds ({@code --since}, {@code --until}, inclusive) select {@code bronze}
 * partitions; dead letters and watermark ticks have no event date and are always read for the
 * chosen topics (re-inserting them is a no-op).
 *
 * <p>Run: {@code spark-submit --class io.cinestream.spark.load.LakeBackfill spark-jobs.jar --lake
 * .local/data/lake --jdbc-url jdbc:postgresql://127.0.0.1:5432/cinestream?user=cinestream [--topics
 * sign_in,sign_out] [--since 2026-01-05] [--until 2026-01-06]}.
 */
public final class LakeBackfill {

  private static final Logger LOG = LoggerFactory.getLogger(LakeBackfill.class);

  private LakeBackfill() {}

  /** Command-line options. */
  @Command(
      name = "lake-backfill",
      mixinStandardHelpOptions = true,
      description = "Rebuilds the raw warehouse tables from the bronze lake (insert if absent).")
  public static final class Options {
    @Option(names = "--lake", required = true, paramLabel = "URI", description = "The lake root.")
    String lake;

    @Option(
        names = "--target",
        defaultValue = "postgres",
        paramLabel = "postgres|snowflake",
        converter = LoaderOptions.TargetConverter.class,
        description = "Warehouse (default: ${DEFAULT-VALUE}).")
    LoaderOptions.Target target;

    @Option(
        names = "--jdbc-url",
        paramLabel = "URL",
        description = "PostgreSQL JDBC URL (required with --target postgres).")
    String jdbcUrl;

    @Option(names = "--jdbc-user", paramLabel = "USER", description = "PostgreSQL user.")
    String jdbcUser;

    @Option(
        names = "--topics",
        split = ",",
        paramLabel = "TOPIC[,TOPIC...]",
        description = "Event topics (default: all seven).")
    List<String> topics;

    @Option(
        names = "--since",
        paramLabel = "YYYY-MM-DD",
        description = "First event date (UTC), inclusive.")
    LocalDate since;

    @Option(
        names = "--until",
        paramLabel = "YYYY-MM-DD",
        description = "Last event date (UTC), inclusive.")
    LocalDate until;

    /**
     * Parses and validates arguments.
     *
     * @return the options, or null when help or the version was printed
     * @throws CommandLine.ParameterException on an unknown or malformed option, a topic that is not
     *     an event topic, a missing {@code --jdbc-url} for postgres, or {@code --since} after
     *     {@code --until}
     */
    public static Options parse(String... args) {
      Options options = new Options();
      CommandLine cli = new CommandLine(options);
      cli.parseArgs(args);
      if (CommandLine.printHelpIfRequested(cli.getParseResult())) {
        return null;
      }
      if (options.target == LoaderOptions.Target.POSTGRES && options.jdbcUrl == null) {
        throw new CommandLine.ParameterException(
            cli, "--jdbc-url is required with --target postgres");
      }
      if (options.topics != null) {
        for (String topic : options.topics) {
          if (Topic.byName(topic).filter(Topic::isEvent).isEmpty()) {
            throw new CommandLine.ParameterException(cli, topic + " is not an event topic");
          }
        }
      }
      if (options.since != null && options.until != null && options.since.isAfter(options.until)) {
        throw new CommandLine.ParameterException(
            cli, "--since " + options.since + " is after --until " + options.until);
      }
      return options;
    }

    /** The chosen event topics in {@link Topic} order (default all). */
    public List<Topic> topics() {
      List<Topic> selected = new ArrayList<>();
      for (Topic topic : Topic.events()) {
        if (topics == null || topics.contains(topic.topicName())) {
          selected.add(topic);
        }
      }
      return selected;
    }
  }

  /**
   * Parses the arguments, runs the backfill and prints one line per table ({@code backfill: TABLE
   * read N inserted I skipped S}). Exits 2 on bad arguments, 1 when the warehouse or the lake
   * fails.
   *
   * @param args see {@link Options}
   */
  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (CommandLine.ParameterException e) {
      System.err.println(e.getMessage());
      e.getCommandLine().usage(System.err);
      System.exit(2);
      return;
    }
    if (options == null) {
      return;
    }
    SparkSession spark = SparkSession.builder().appName("lake-backfill").getOrCreate();
    int status = 0;
    try {
      WarehouseWriter writer =
          switch (options.target) {
            case POSTGRES ->
                new PostgresWarehouseWriter(
                    options.jdbcUrl, jdbcProperties(options), PostgresWarehouseWriter.Mode.COPY);
            case SNOWFLAKE -> SnowflakeWarehouseWriter.fromEnvironment(System.getenv());
          };
      BatchResult result =
          run(
              spark,
              new BronzeLake(options.lake),
              options.topics(),
              options.since,
              options.until,
              writer);
      for (String line : render(result)) {
        System.out.println(line);
        LOG.info("{}", line);
      }
    } catch (RuntimeException e) {
      LOG.error("backfill failed", e);
      status = 1;
    } finally {
      spark.stop();
    }
    if (status != 0) {
      System.exit(status);
    }
  }

  private static Properties jdbcProperties(Options options) {
    Properties properties = new Properties();
    if (options.jdbcUser != null) {
      properties.setProperty("user", options.jdbcUser);
    }
    String password = System.getenv(LoaderOptions.PASSWORD_ENV);
    if (password != null) {
      properties.setProperty("password", password);
    }
    return properties;
  }

  /**
   * Reads the lake and writes it to the warehouse.
   *
   * @param writer the target's writer ({@link WarehouseWriter#prepare()} is called first)
   * @return rows read from the lake ({@code offered}) and newly inserted, per table
   */
  public static BatchResult run(
      SparkSession spark,
      BronzeLake lake,
      List<Topic> topics,
      LocalDate since,
      LocalDate until,
      WarehouseWriter writer) {
    writer.prepare();
    Dataset<Row> rows = read(spark, lake, topics, since, until);
    int tasks = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
    return writer.write(rows.repartition(tasks, col("event_id")), 0L);
  }

  /**
   * The lake's records of the topics as rows of {@link DecodedEvents#SCHEMA}, routed to their
   * tables: the events of {@code bronze/<topic>} with event dates in [since, until], and every dead
   * letter and watermark tick of those topics. The event-date bounds are applied to the listing of
   * the {@code event_date=} folders, so only the chosen partitions are read, and the files are read
   * with their known schema ({@link BronzeLake#FILE_SCHEMA}: no schema inference). A topic without
   * a folder contributes nothing.
   *
   * @param since first event date (UTC), or null for no lower bound
   * @param until last event date (UTC), or null for no upper bound
   * @throws UncheckedIOException when the lake's file system cannot be listed
   */
  public static Dataset<Row> read(
      SparkSession spark, BronzeLake lake, List<Topic> topics, LocalDate since, LocalDate until) {
    List<String> bronze = new ArrayList<>();
    List<String> deadLetters = new ArrayList<>();
    List<String> ticks = new ArrayList<>();
    Column table = lit(null).cast("string");
    try {
      for (Topic topic : topics) {
        String name = topic.topicName();
        String tableName = RawTable.forTopic(topic).orElseThrow().tableName();
        table = when(col("kafka_topic").equalTo(name), lit(tableName)).otherwise(table);
        String partitions = lake.bronzeDir(name) + "/" + BronzeLake.EVENT_DATE + "=*";
        for (FileStatus partition : list(spark, partitions)) {
          String folder = partition.getPath().getName();
          LocalDate date = LocalDate.parse(folder.substring(BronzeLake.EVENT_DATE.length() + 1));
          if ((since == null || !date.isBefore(since)) && (until == null || !date.isAfter(until))) {
            bronze.add(partition.getPath().toString());
          }
        }
        list(spark, lake.deadLetterDir(name)).forEach(f -> deadLetters.add(f.getPath().toString()));
        list(spark, lake.tickDir(name)).forEach(f -> ticks.add(f.getPath().toString()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the lake " + lake.root(), e);
    }
    Dataset<Row> all = spark.createDataFrame(List.of(), DecodedEvents.SCHEMA);
    if (!bronze.isEmpty()) {
      all = all.unionByName(asDecoded(readFiles(spark, bronze), table));
    }
    if (!deadLetters.isEmpty()) {
      all =
          all.unionByName(asDecoded(readFiles(spark, deadLetters), lit(DecodedEvents.DEAD_LETTER)));
    }
    if (!ticks.isEmpty()) {
      all = all.unionByName(asDecoded(readFiles(spark, ticks), lit(DecodedEvents.TICK)));
    }
    return all;
  }

  private static Dataset<Row> readFiles(SparkSession spark, List<String> dirs) {
    return spark.read().schema(BronzeLake.FILE_SCHEMA).parquet(dirs.toArray(String[]::new));
  }

  /** The folders matching a glob; none when nothing matches. */
  private static List<FileStatus> list(SparkSession spark, String glob) throws IOException {
    Path path = new Path(glob);
    FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
    FileStatus[] found = fs.globStatus(path);
    List<FileStatus> dirs = new ArrayList<>();
    if (found != null) {
      for (FileStatus status : found) {
        if (status.isDirectory()) {
          dirs.add(status);
        }
      }
    }
    return dirs;
  }

  /** Lake rows as {@link DecodedEvents#SCHEMA} rows, {@code target} given by {@code table}. */
  static Dataset<Row> asDecoded(Dataset<Row> lakeRows, Column table) {
    List<Column> columns = new ArrayList<>();
    for (StructField field : DecodedEvents.SCHEMA.fields()) {
      Column c = field.name().equals("target") ? table : col(field.name());
      columns.add(c.cast(field.dataType()).as(field.name()));
    }
    return lakeRows.select(columns.toArray(Column[]::new));
  }

  /** One line per table: {@code backfill: TABLE read N inserted I skipped S}, then a total line. */
  public static List<String> render(BatchResult result) {
    List<String> lines = new ArrayList<>();
    long read = 0;
    long inserted = 0;
    for (var e : result.offered().entrySet()) {
      long in = result.inserted().getOrDefault(e.getKey(), BatchResult.UNKNOWN);
      lines.add(
          String.format(
              Locale.ROOT,
              "backfill: %s read %d inserted %s skipped %s",
              e.getKey().tableName(),
              e.getValue(),
              in == BatchResult.UNKNOWN ? "?" : Long.toString(in),
              in == BatchResult.UNKNOWN ? "?" : Long.toString(e.getValue() - in)));
      read += e.getValue();
      inserted += Math.max(in, 0);
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "backfill: total read %d inserted %d skipped %d in %d ms",
            read,
            inserted,
            read - inserted,
            result.writeMillis()));
    return lines;
  }
}
