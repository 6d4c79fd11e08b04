package io.cinestream.bench;

import io.cinestream.schemas.warehouse.WarehouseConnections;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark harness behind {@code ./pipeline bench}: on a stack whose topics already hold the
 * pre-loaded workload, for each metric job it measures the consume-and-decode ceiling on the job's
 * topics, then runs the job on each engine from a clean warehouse state (the engine's rows of the
 * job's tables deleted first) while polling the sink, and writes {@code <date>-<machine>.json},
 * {@code .md} and {@code .png} into the output directory. A failed engine run becomes a failed row;
 * the others still run. Exit status 0 when every run succeeded, 1 otherwise.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Metric engines vs the consume-and-decode ceiling on the pre-loaded workload.")
public final class BenchCli implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(BenchCli.class);

  @Option(names = "--events", required = true, description = "Events the workload pre-loaded.")
  long events;

  @Option(names = "--seed", defaultValue = "42", description = "Generator seed of the workload.")
  long seed;

  @Option(
      names = "--engines",
      split = ",",
      defaultValue = "flink,flink_sql,spark",
      description =
          "Engines to run (default ${DEFAULT-VALUE}); flink_sql (the SQL peer jobs) has no"
              + " sessions job and shows n/a there.")
  List<String> engines;

  @Option(
      names = "--jobs",
      split = ",",
      defaultValue = "registration,sessions,sales",
      description = "Jobs to run (default ${DEFAULT-VALUE}).")
  List<String> jobs;

  @Option(names = "--bootstrap", required = true)
  String bootstrap;

  @Option(names = "--registry", required = true)
  String registry;

  @Option(names = "--jdbc-url", required = true)
  String jdbcUrl;

  @Option(names = "--parallelism", defaultValue = "2")
  int parallelism;

  @Option(
      names = "--pipeline",
      required = true,
      description =
          "The ./pipeline script: every engine launch comes from its launch-spec command.")
  Path pipeline;

  @Option(names = "--flink-url", description = "JobManager REST root.")
  String flinkUrl;

  @Option(names = "--spark-driver-memory", defaultValue = "1536m")
  String sparkDriverMemory;

  @Option(
      names = "--spark-driver-java-options",
      defaultValue = "",
      description = "Extra JVM options of the Spark driver, e.g. a JFR recording.")
  String sparkDriverJavaOptions;

  @Option(
      names = "--spark-batches",
      defaultValue = "20",
      description =
          "Spark micro-batches per run: maxOffsetsPerTrigger = input records / this (default"
              + " ${DEFAULT-VALUE}; 0 = one available-now batch), so that Spark has a steady"
              + " state to measure.")
  int sparkBatches;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Measured runs of each job on each engine; medians and min-max spreads.")
  int runs;

  @Option(
      names = "--checkpoint-interval",
      defaultValue = "10 s",
      description = "Flink checkpoint interval of every run (default ${DEFAULT-VALUE}).")
  String checkpointInterval;

  @Option(
      names = "--steady-from",
      defaultValue = "0.1",
      description = "Share of the input before the steady-state window (default ${DEFAULT-VALUE}).")
  double steadyFrom;

  @Option(
      names = "--steady-to",
      defaultValue = "0.9",
      description = "Share of the input at the window's end (default ${DEFAULT-VALUE}).")
  double steadyTo;

  @Option(names = "--poll-ms", defaultValue = "50", description = "Sink and watermark polling, ms.")
  long pollMs;

  @Option(names = "--warmup", defaultValue = "0.1", description = "Share of first windows dropped.")
  double warmup;

  @Option(
      names = "--warmup-runs",
      defaultValue = "0",
      description =
          "Unmeasured runs of each job on each engine before the measured one (default"
              + " ${DEFAULT-VALUE}). Flink's runs share the bench cluster, whose JIT-compiled"
              + " runtime they warm; every Spark run is a new spark-submit JVM.")
  int warmupRuns;

  @Option(names = "--work-dir", required = true, description = "Logs and checkpoints of the runs.")
  Path workDir;

  @Option(names = "--output-dir", required = true, description = "Where the results are written.")
  Path outputDir;

  @Option(names = "--command", defaultValue = "", description = "Command line shown in the report.")
  String command;

  /**
   * Entry point.
   *
   * @param args see {@code --help}
   */
  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(new CommandLine(new BenchCli()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    List<Engine> engineList = new ArrayList<>();
    for (String e : engines) {
      engineList.add(engine(e));
    }
    List<BenchResult> results = new ArrayList<>();
    boolean allOk = true;
    for (String id : jobs) {
      MetricJob job = MetricJob.byId(id);
      BenchResult ceiling = ceiling(job);
      results.add(ceiling);
      Engine.Stack stack =
          new Engine.Stack(bootstrap, registry, jdbcUrl, parallelism, ceiling.events());
      for (Engine engine : engineList) {
        if (engine.name().equals("flink_sql") && !job.hasSqlPeer()) {
          results.add(BenchResult.notApplicable(job.id(), engine.name(), "no Flink SQL peer job"));
          continue;
        }
        BenchResult r;
        try {
          r = runAll(job, engine, stack, ceiling.events(), ceiling.eventsPerSecond());
        } catch (Exception ex) {
          allOk = false;
          LOG.error("{} on {} failed: {}", job.id(), engine.name(), ex.getMessage());
          r = BenchResult.failed(job.id(), engine.name(), ex.getMessage());
        }
        results.add(r);
      }
    }
    Instant now = Instant.now();
    String machine = InetAddress.getLocalHost().getHostName();
    Report report =
        new Report(
            DateTimeFormatter.ISO_INSTANT.format(now),
            machine,
            Runtime.getRuntime().availableProcessors(),
            Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]),
            events,
            seed,
            parallelism,
            warmup,
            warmupRuns,
            command,
            results,
            method());
    String base =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmm").withZone(ZoneOffset.UTC).format(now)
            + "-"
            + machine.replaceAll("[^A-Za-z0-9._-]", "_");
    Files.createDirectories(outputDir);
    report.writeJson(outputDir.resolve(base + ".json"));
    Files.writeString(outputDir.resolve(base + ".md"), report.markdown());
    report.writeChart(outputDir.resolve(base + ".png"));
    System.out.print(report.markdown());
    System.out.println("\nResults: " + outputDir.resolve(base + ".{json,md,png}"));
    return allOk ? 0 : 1;
  }

  /** The ceiling on the job's topics, {@link #runs} times with {@link #parallelism} consumers. */
  private BenchResult ceiling(MetricJob job) throws InterruptedException {
    List<Double> rates = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    CeilingConsumer.Result last = null;
    for (int i = 1; i <= runs; i++) {
      LOG.info(
          "{}: ceiling run {} of {} ({} consumers, {})",
          job.id(),
          i,
          runs,
          parallelism,
          job.topics());
      last = CeilingConsumer.run(bootstrap, registry, job.topics(), parallelism);
      rates.add(last.recordsPerSecond());
      cpu.add(last.cpuSeconds() * 1e6 / Math.max(1, last.records()));
    }
    Spread rate = Spread.of(rates);
    LOG.info("{}: ceiling {} records at {} records/s", job.id(), last.records(), rate.format(0));
    Spread cpuPerM = Spread.of(cpu);
    return new BenchResult(
        job.id(),
        "ceiling",
        last.records(),
        (last.lastRecordMs() - last.firstRecordMs()) / 1000.0,
        rate.median(),
        1.0,
        null,
        null,
        0,
        0,
        0,
        last.cpuSeconds(),
        cpuPerM.median(),
        0,
        null,
        null,
        null,
        new BenchResult.Steady(
            rate,
            null,
            null,
            (last.lastRecordMs() - last.firstRecordMs()) / 1000.0,
            0,
            cpuPerM,
            0,
            0,
            null));
  }

  private BenchResult runAll(
      MetricJob job, Engine engine, Engine.Stack stack, long events, double ceilingRate)
      throws Exception {
    Path dir = Files.createDirectories(workDir.resolve(job.id() + "-" + engine.name()));
    for (int i = 1; i <= warmupRuns; i++) {
      cleanWarehouse(jdbcUrl, job, engine.name());
      Path warmupDir = Files.createDirectories(dir.resolve("warm-up-" + i));
      LOG.info(
          "{} on {}: warm-up run {} of {} (not measured)", job.id(), engine.name(), i, warmupRuns);
      engine.run(job, stack, warmupDir);
    }
    List<RunFigures> figures = new ArrayList<>();
    BenchResult last = null;
    for (int i = 1; i <= runs; i++) {
      cleanWarehouse(jdbcUrl, job, engine.name());
      Path runDir = Files.createDirectories(dir.resolve("run-" + i));
      LOG.info("{} on {}: run {} of {} (log {})", job.id(), engine.name(), i, runs, runDir);
      SinkPoller poller = new SinkPoller(jdbcUrl, job, engine.name(), pollMs).start();
      Engine.EngineRun run;
      try {
        run = engine.run(job, stack, runDir);
      } catch (Exception e) {
        poller.close();
        throw e;
      }
      List<SinkPoller.Row> rows = poller.stop();
      RunFigures f = RunFigures.of(run, events, steadyFrom, steadyTo);
      figures.add(f);
      LOG.info(
          "{} on {} run {}: steady {} events/s over {} s, start-up {} s, {} CPU-s per M",
          job.id(),
          engine.name(),
          i,
          (long) f.eventsPerSecond(),
          f.spanSeconds(),
          f.startupSeconds(),
          f.cpuSecondsPerMillion());
      last = measured(job, engine, run, rows, events, ceilingRate);
    }
    String parity = engine.name().equals("flink_sql") ? parity(jdbcUrl, job) : null;
    BenchResult.Steady steady = RunFigures.combine(figures, parity);
    return new BenchResult(
        last.job(),
        last.engine(),
        last.events(),
        last.seconds(),
        steady.eventsPerSecond().median(),
        steady.eventsPerSecond().median() / ceilingRate,
        last.windowToSink(),
        last.emitToSink(),
        last.rows(),
        last.untimedRows(),
        last.clampedRows(),
        last.cpuSeconds(),
        last.cpuSecondsPerMillion(),
        last.peakRssMb(),
        last.stateBytes(),
        last.phases(),
        null,
        steady);
  }

  /** The latency, whole-run and memory figures of one run (the last run's go in the row). */
  private BenchResult measured(
      MetricJob job,
      Engine engine,
      Engine.EngineRun run,
      List<SinkPoller.Row> rows,
      long events,
      double ceilingRate) {
    WindowLatencies.Result lat = WindowLatencies.of(rows, run.watermarks());
    double seconds = (run.lastRecordMs() - run.firstRecordMs()) / 1000.0;
    double rate = events / Math.max(0.001, seconds);
    return new BenchResult(
        job.id(),
        engine.name(),
        events,
        seconds,
        rate,
        rate / ceilingRate,
        LatencySummary.of(lat.windowToSink(), warmup),
        LatencySummary.of(lat.emitToSink(), warmup),
        rows.size(),
        lat.untimed(),
        lat.clamped(),
        run.usage().cpuSeconds(),
        run.usage().cpuSeconds() * 1e6 / Math.max(1, events),
        run.usage().peakRssKb() / 1024.0,
        run.stateBytes(),
        run.phases(),
        null);
  }

  /**
   * Whether the Flink SQL peer's rows of the job's metric table equal the DataStream job's: {@code
   * EXCEPT} both ways over every column but {@code engine} and {@code emitted_at} (a bounded run
   * writes only closed windows, docs/metrics.md).
   *
   * @return {@code "= flink (N rows)"} or {@code "differs: A flink rows not in flink_sql, B
   *     flink_sql rows not in flink"}
   * @throws java.sql.SQLException when the warehouse cannot be queried
   */
  static String parity(String jdbcUrl, MetricJob job) throws java.sql.SQLException {
    try (Connection c =
        DriverManager.getConnection(
            jdbcUrl, WarehouseConnections.properties(jdbcUrl, System.getenv()))) {
      List<String> columns = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
                  + " AND column_name NOT IN ('engine', 'emitted_at') ORDER BY ordinal_position")) {
        ps.setString(1, job.table());
        try (var rs = ps.executeQuery()) {
          while (rs.next()) {
            columns.add("\"" + rs.getString(1) + "\"");
          }
        }
      }
      String cols = String.join(", ", columns);
      String flink = "SELECT " + cols + " FROM " + job.table() + " WHERE engine = 'flink'";
      String sql = "SELECT " + cols + " FROM " + job.table() + " WHERE engine = 'flink_sql'";
      long onlyFlink = count(c, "SELECT count(*) FROM (" + flink + " EXCEPT " + sql + ") d");
      long onlySql = count(c, "SELECT count(*) FROM (" + sql + " EXCEPT " + flink + ") d");
      long flinkRows = count(c, "SELECT count(*) FROM (" + flink + ") d");
      if (flinkRows == 0) {
        return "no flink rows to compare (run the flink engine first)";
      }
      return onlyFlink == 0 && onlySql == 0
          ? "= flink (" + flinkRows + " rows)"
          : "differs: "
              + onlyFlink
              + " flink rows not in flink_sql, "
              + onlySql
              + " flink_sql rows not in flink";
    }
  }

  private static long count(Connection c, String sql) throws java.sql.SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql);
        var rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The method paragraph of the report: how every figure of the table was taken. */
  String method() {
    return String.format(
        java.util.Locale.ROOT,
        "Every figure is the median of %d run(s) with the min-max spread in brackets. Steady"
            + " state: the engine's own input counter (Flink: its sources' numRecordsOut from the"
            + " REST metrics, polled every %d ms; Spark: numInputRows at each micro-batch's end,"
            + " %s) between %.0f %% and %.0f %% of the job's input records, over that window's"
            + " length; CPU-s: utime + stime of the engine's JVMs (/proc/<pid>/stat; Flink: the"
            + " TaskManager and JobManager, Spark: the spark-submit tree) over the same window,"
            + " per million records counted in it. Start-up: from starting the launch (flink run"
            + " client / spark-submit) to the first input record; end-to-end: all input records"
            + " over launch start to the end of processing. Flink checkpoint interval %s"
            + " (checkpoints: completed count / summed end-to-end duration from the REST"
            + " statistics; Spark: micro-batches / summed walCommit + commitOffsets). Ceiling: %d"
            + " consumers (the engines' parallelism) decoding exactly the job's topics, its rate"
            + " from first to last record.",
        runs,
        pollMs,
        sparkBatches > 0
            ? "maxOffsetsPerTrigger = input / " + sparkBatches
            : "one available-now batch",
        100 * steadyFrom,
        100 * steadyTo,
        checkpointInterval,
        parallelism);
  }

  /**
   * Deletes the engine's rows of the job's metric tables and of late_events.
   *
   * @throws java.sql.SQLException when the warehouse cannot be reached
   */
  static void cleanWarehouse(String jdbcUrl, MetricJob job, String engine) throws Exception {
    List<String> tables = new ArrayList<>(List.of(job.table(), "late_events"));
    if (job == MetricJob.SESSIONS) {
      tables.add("orphan_sign_outs");
    }
    try (Connection c =
        DriverManager.getConnection(
            jdbcUrl, WarehouseConnections.properties(jdbcUrl, System.getenv()))) {
      for (String t : tables) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE engine = ?")) {
          ps.setString(1, engine);
          ps.executeUpdate();
        }
      }
    }
  }

  private Engine engine(String name) {
    return switch (name) {
      case "flink", "flink_sql" ->
          new FlinkEngine(
              name, pipeline, require(flinkUrl, "--flink-url"), pollMs, checkpointInterval);
      case "spark" ->
          new SparkEngine(pipeline, sparkDriverMemory, sparkDriverJavaOptions, sparkBatches);
      default ->
          throw new CommandLine.ParameterException(
              new CommandLine(this),
              "unknown engine '" + name + "' (known: flink, flink_sql, spark)");
    };
  }

  private <T> T require(T value, String option) {
    if (value == null) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), option + " is required for this engine");
    }
    return value;
  }
}
