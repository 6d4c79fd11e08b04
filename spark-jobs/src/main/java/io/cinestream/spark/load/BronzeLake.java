package io.cinestream.spark.load;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bronze lake (docs/architecture.md#bronze-lake): every decoded record of the raw loader kept
 * as Parquet under one root URI (a local folder, or {@code s3a://}, {@code gs://}, {@code
 * abfss://}: any Hadoop file system on the classpath), written exactly once per Kafka record.
 *
 * <p><b>Layout.</b> Under the root:
 *
 * <ul>
 *   <li>{@code bronze/<topic>/event_date=YYYY-MM-DD/}: the decoded events, the date being the UTC
 *       day of the event time;
 *   <li>{@code dead_letters/<topic>/}: records that could not be loaded (no event date: they may
 *       have none);
 *   <li>{@code watermark_ticks/<topic>/}: the watermark tick records, so that a backfill restores
 *       {@code watermark_ticks} too;
 *   <li>{@code quarantine/movies_catalog/source_file=<name>/}: quarantined catalogue records
 *       (written by the catalogue job);
 *   <li>{@code _staging/}: work in progress (underscore: ignored by Spark and by the external
 *       tables' file patterns).
 * </ul>
 *
 * Every file holds the columns of {@link #FILE_COLUMNS}: the decoded fields of {@link
 * DecodedEvents#SCHEMA} without its routing column, {@code kafka_topic}/{@code kafka_partition}/
 * {@code kafka_offset} included, {@code event_time_ms} as epoch milliseconds (UTC); fields a record
 * does not have are null.
 *
 * <p><b>Exactly once.</b> A micro-batch is written with Spark's Parquet writer into its own staging
 * folder ({@code _staging/<query id>/<batch id>}, overwritten whole on a replay), then each file is
 * renamed into its partition under a name made of the streaming query's id, the batch id and the
 * writing task's partition number, {@code q-<query id>-b-<batch
 * id>-part-NNNNN.cCCC.snappy.parquet}. A replayed batch (same id, same Kafka offsets from the
 * checkpoint, same records) produces the same names, and each publication replaces the file of that
 * name: after any number of replays each record is in the lake once. The query id lives in the
 * checkpoint, so a new checkpoint (after {@code reset --only checkpoints} with the lake kept) never
 * overwrites an older query's files; it reads the topics again and adds a second copy of what they
 * still hold (a backfill's insert-if-absent then skips it). Chosen over Spark's file sink (which
 * would need a second streaming query decoding every record again, and whose exactly-once holds
 * only for readers of its {@code _spark_metadata} log, not for external tables listing the folder)
 * and over Delta Lake or Iceberg (both resolve for Spark 3.5, but each adds a runtime to the job
 * jar and a table format every reader must speak, while plain Parquet with these names is already
 * exactly-once).
 *
 * <p>What a replay cannot make equal: an event whose time was more than the loader's {@code
 * --max-event-time-ahead} after the wall clock at the first attempt and no longer at the replay
 * goes to {@code dead_letters} once and to {@code bronze} once; the warehouse has the same edge.
 */
public final class BronzeLake {

  private static final Logger LOG = LoggerFactory.getLogger(BronzeLake.class);

  /** Folder of the decoded events. */
  public static final String BRONZE = "bronze";

  /** Folder of the dead letters. */
  public static final String DEAD_LETTERS = "dead_letters";

  /** Folder of the watermark ticks. */
  public static final String WATERMARK_TICKS = "watermark_ticks";

  /** Folder of the quarantined catalogue records. */
  public static final String QUARANTINE = "quarantine";

  /** Folder of batches being written. */
  public static final String STAGING = "_staging";

  /** Name of the event-date partition column (and folder prefix) under {@link #BRONZE}. */
  public static final String EVENT_DATE = "event_date";

  /**
   * Spark settings of a session that writes the lake, each applied unless already set ({@link
   * #applyWriteSettings}): the micro-batch cache that feeds both the lake and the warehouse is kept
   * uncompressed (it lives for one batch; compressing it cost about 10 s per million rows), and the
   * partitioned Parquet write keeps one open writer per partition instead of sorting the batch by
   * partition first (Spark falls back to the sort beyond 32 partitions in a task). Measured at 1M
   * events in docs/benchmark.md#raw-loader-with-the-bronze-lake.
   */
  public static final Map<String, String> WRITE_SETTINGS =
      Map.of(
          "spark.sql.inMemoryColumnarStorage.compressed", "false",
          "spark.sql.maxConcurrentOutputFileWriters", "32");

  /** Columns of every lake file of the loader, in order. */
  public static final List<String> FILE_COLUMNS = fileColumns();

  /** The schema of the loader's lake files: {@link #FILE_COLUMNS} with their decoded types. */
  public static final StructType FILE_SCHEMA = fileSchema();

  private static final String AREA = "lake_area";
  private static final String TOPIC = "lake_topic";

  /** Spark's Parquet part file name: {@code part-NNNNN-<job uuid>.cCCC.snappy.parquet}. */
  private static final Pattern SPARK_PART =
      Pattern.compile("^(part-\\d+)-[0-9a-fA-F-]{36}(\\..*\\.parquet)$");

  private static final String NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

  private final String root;

  /**
   * @param uri the lake's root: a local path or any Hadoop file system URI (a trailing slash is
   *     dropped)
   * @throws IllegalArgumentException when it is blank
   */
  public BronzeLake(String uri) {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("the lake URI is empty");
    }
    this.root = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }

  /**
   * Applies {@link #WRITE_SETTINGS} to a session, leaving any that its configuration already sets;
   * call it before a streaming query starts (the query clones the session's settings then).
   *
   * @param spark the loader's session
   */
  public static void applyWriteSettings(SparkSession spark) {
    WRITE_SETTINGS.forEach(
        (key, value) -> {
          if (!spark.conf().contains(key)) {
            spark.conf().set(key, value);
          }
        });
  }

  /** The root URI, without a trailing slash. */
  public String root() {
    return root;
  }

  /** {@code <root>/bronze/<topic>}: the events of a topic, partitioned by {@code event_date}. */
  public String bronzeDir(String topic) {
    return root + "/" + BRONZE + "/" + topic;
  }

  /** {@code <root>/dead_letters/<topic>}. */
  public String deadLetterDir(String topic) {
    return root + "/" + DEAD_LETTERS + "/" + topic;
  }

  /** {@code <root>/watermark_ticks/<topic>}. */
  public String tickDir(String topic) {
    return root + "/" + WATERMARK_TICKS + "/" + topic;
  }

  /** {@code <root>/quarantine/movies_catalog}. */
  public String quarantineDir() {
    return root + "/" + QUARANTINE + "/movies_catalog";
  }

  /**
   * The decoded rows with the lake's partition columns: {@code lake_area} ({@value #BRONZE},
   * {@value #DEAD_LETTERS} or {@value #WATERMARK_TICKS} by the row's {@code target}), {@code
   * lake_topic} (a copy of {@code kafka_topic}: the copy becomes the folder, the original stays in
   * the file) and {@code event_date} (the UTC day of {@code event_time_ms} as {@code YYYY-MM-DD},
   * for events only; computed with integer days since the epoch, so no session time zone applies).
   *
   * @param decoded rows of {@link DecodedEvents#SCHEMA}
   * @return {@link #FILE_COLUMNS} then the three partition columns
   */
  public static Dataset<Row> withLakeColumns(Dataset<Row> decoded) {
    Column target = col("target");
    Column area =
        when(target.equalTo(DecodedEvents.DEAD_LETTER), lit(DEAD_LETTERS))
            .when(target.equalTo(DecodedEvents.TICK), lit(WATERMARK_TICKS))
            .otherwise(lit(BRONZE));
    Column eventDate =
        when(
                area.equalTo(BRONZE),
                expr(
                    "CAST(date_add(DATE'1970-01-01', CAST(floor(event_time_ms / 86400000) AS INT)) AS STRING)"))
            .otherwise(lit(null).cast("string"));
    List<Column> columns = new ArrayList<>();
    for (String c : FILE_COLUMNS) {
      columns.add(col(c));
    }
    columns.add(area.as(AREA));
    columns.add(col("kafka_topic").as(TOPIC));
    columns.add(eventDate.as(EVENT_DATE));
    return decoded.select(columns.toArray(Column[]::new));
  }

  /**
   * Writes one micro-batch exactly once (see the class comment): stage, then publish.
   *
   * @param decoded rows of {@link DecodedEvents#SCHEMA} (persist them when they are also written
   *     elsewhere: this runs one Spark job over them)
   * @param queryId the streaming query's id (stable across restarts from the same checkpoint)
   * @param batchId the micro-batch id (the same on a replay)
   * @return the number of files published
   * @throws UncheckedIOException when the file system refuses a listing, rename or delete (the
   *     batch fails and is replayed after a restart)
   */
  public int write(Dataset<Row> decoded, String queryId, long batchId) {
    String staging = root + "/" + STAGING + "/" + queryId + "/" + batchId;
    withLakeColumns(decoded)
        .write()
        .mode(SaveMode.Overwrite)
        .partitionBy(AREA, TOPIC, EVENT_DATE)
        .parquet(staging);
    try {
      return publish(decoded.sparkSession(), new Path(staging), "q-" + queryId + "-b-" + batchId);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish lake batch " + batchId + " of " + staging, e);
    }
  }

  /**
   * Moves every Parquet file of a staging folder into its lake partition under {@code
   * <prefix>-<part>}, replacing a file of that name, then deletes the staging folder.
   */
  private int publish(SparkSession spark, Path staging, String prefix) throws IOException {
    FileSystem fs = staging.getFileSystem(spark.sparkContext().hadoopConfiguration());
    List<Path[]> moves = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> files = fs.listFiles(staging, true);
    String stagingPath = fs.makeQualified(staging).toUri().getPath();
    while (files.hasNext()) {
      Path file = files.next().getPath();
      if (!file.getName().endsWith(".parquet")) {
        continue;
      }
      String relative = file.toUri().getPath().substring(stagingPath.length() + 1);
      moves.add(new Path[] {file, new Path(root + "/" + destination(relative, prefix))});
    }
    for (Path[] move : moves) {
      Path target = move[1];
      fs.mkdirs(target.getParent());
      if (fs.exists(target) && !fs.delete(target, false)) {
        throw new IOException("cannot replace " + target);
      }
      if (!fs.rename(move[0], target)) {
        throw new IOException("cannot rename " + move[0] + " to " + target);
      }
    }
    fs.delete(staging, true);
    LOG.debug("lake: published {} file(s) of {}", moves.size(), prefix);
    return moves.size();
  }

  /**
   * Where a staged file goes, relative to the root.
   *
   * @param staged {@code lake_area=A/lake_topic=T/event_date=D/part-...parquet}, relative to the
   *     batch's staging folder
   * @param prefix {@code q-<query id>-b-<batch id>}
   * @return e.g. {@code
   *     bronze/sign_in/event_date=2026-01-05/q-...-b-3-part-00001.c000.snappy.parquet} ({@code
   *     dead_letters/<topic>/...} and {@code watermark_ticks/<topic>/...} have no date)
   * @throws IllegalArgumentException for a path of another shape
   */
  static String destination(String staged, String prefix) {
    String[] parts = staged.split("/");
    if (parts.length != 4
        || !parts[0].startsWith(AREA + "=")
        || !parts[1].startsWith(TOPIC + "=")
        || !parts[2].startsWith(EVENT_DATE + "=")) {
      throw new IllegalArgumentException("unexpected staged lake file " + staged);
    }
    String area = parts[0].substring(AREA.length() + 1);
    String topic = parts[1].substring(TOPIC.length() + 1);
    String date = parts[2].substring(EVENT_DATE.length() + 1);
    Matcher m = SPARK_PART.matcher(parts[3]);
    String name = prefix + "-" + (m.matches() ? m.group(1) + m.group(2) : parts[3]);
    String dir = area + "/" + topic;
    if (!NULL_PARTITION.equals(date)) {
      dir += "/" + EVENT_DATE + "=" + date;
    }
    return dir + "/" + name;
  }

  private static StructType fileSchema() {
    StructType schema = new StructType();
    for (String c : FILE_COLUMNS) {
      schema = schema.add(c, DecodedEvents.SCHEMA.apply(c).dataType(), true);
    }
    return schema;
  }

  private static List<String> fileColumns() {
    List<String> columns = new ArrayList<>();
    for (var field : DecodedEvents.SCHEMA.fields()) {
      if (!field.name().equals("target")) {
        columns.add(field.name());
      }
    }
    return List.copyOf(columns);
  }

  @Override
  public String toString() {
    return "lake(" + root + ")";
  }
}
