package io.cinestream.bench;

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
      defaultValue = "flink,spark",
      description = "Engines to run (default ${DEFAULT-VALUE}).")
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

  @Option(names = "--flink-bin", description = "The flink CLI script.")
  Path flinkBin;

  @Option(names = "--flink-conf-dir", description = "FLINK_CONF_DIR of the bench cluster.")
  Path flinkConfDir;

  @Option(names = "--flink-jar")
  Path flinkJar;

  @Option(names = "--flink-url", description = "JobManager REST root.")
  String flinkUrl;

  @Option(names = "--spark-submit", description = "The spark-submit script.")
  Path sparkSubmit;

  @Option(names = "--spark-jar")
  Path sparkJar;

  @Option(
      names = "--spark-class",
      defaultValue = "io.cinestream.spark.metrics.MetricsSparkJob",
      description = "The Spark metrics application (default ${DEFAULT-VALUE}).")
  String sparkClass;

  @Option(names = "--spark-driver-memory", defaultValue = "1536m")
  String sparkDriverMemory;

  @Option(names = "--spark-log4j", description = "log4j2 configuration of the Spark driver.")
  Path sparkLog4j;

  @Option(
      names = "--spark-driver-java-options",
      defaultValue = "",
      description = "Extra JVM options of the Spark driver, e.g. a JFR recording.")
  String sparkDriverJavaOptions;

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
    Engine.Stack stack = new Engine.Stack(bootstrap, registry, jdbcUrl, parallelism);
    List<Engine> engineList = new ArrayList<>();
    for (String e : engines) {
      engineList.add(engine(e));
    }
    List<BenchResult> results = new ArrayList<>();
    boolean allOk = true;
    for (String id : jobs) {
      MetricJob job = MetricJob.byId(id);
      LOG.info("{}: ceiling (consume + decode {})", job.id(), job.topics());
      CeilingConsumer.Result ceiling = CeilingConsumer.run(bootstrap, registry, job.topics());
      double ceilingRate = ceiling.recordsPerSecond();
      results.add(
          new BenchResult(
              job.id(),
              "ceiling",
              ceiling.records(),
              (ceiling.lastRecordMs() - ceiling.firstRecordMs()) / 1000.0,
              ceilingRate,
              1.0,
              null,
              null,
              0,
              0,
              0,
              ceiling.cpuSeconds(),
              ceiling.cpuSeconds() * 1e6 / Math.max(1, ceiling.records()),
              0,
              null,
              null,
              null));
      LOG.info(
          "{}: ceiling {} records at {} records/s",
          job.id(),
          ceiling.records(),
          (long) ceilingRate);
      for (Engine engine : engineList) {
        BenchResult r;
        try {
          r = runOne(job, engine, stack, ceiling.records(), ceilingRate);
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
            results);
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

  private BenchResult runOne(
      MetricJob job, Engine engine, Engine.Stack stack, long events, double ceilingRate)
      throws Exception {
    cleanWarehouse(jdbcUrl, job, engine.name());
    Path dir = Files.createDirectories(workDir.resolve(job.id() + "-" + engine.name()));
    for (int i = 1; i <= warmupRuns; i++) {
      Path warmupDir = Files.createDirectories(dir.resolve("warm-up-" + i));
      LOG.info(
          "{} on {}: warm-up run {} of {} (not measured)", job.id(), engine.name(), i, warmupRuns);
      engine.run(job, stack, warmupDir);
      cleanWarehouse(jdbcUrl, job, engine.name());
    }
    LOG.info("{} on {} (log {})", job.id(), engine.name(), dir);
    SinkPoller poller = new SinkPoller(jdbcUrl, job, engine.name(), pollMs).start();
    Engine.EngineRun run;
    try {
      run = engine.run(job, stack, dir);
    } catch (Exception e) {
      poller.close();
      throw e;
    }
    List<SinkPoller.Row> rows = poller.stop();
    WindowLatencies.Result lat = WindowLatencies.of(rows, run.watermarks());
    double seconds = (run.lastRecordMs() - run.firstRecordMs()) / 1000.0;
    double rate = events / Math.max(0.001, seconds);
    LOG.info(
        "{} on {}: {} rows, {} s, {} events/s, {} untimed, {} clamped",
        job.id(),
        engine.name(),
        rows.size(),
        seconds,
        (long) rate,
        lat.untimed(),
        lat.clamped());
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
   * Deletes the engine's rows of the job's metric tables and of late_events.
   *
   * @throws java.sql.SQLException when the warehouse cannot be reached
   */
  static void cleanWarehouse(String jdbcUrl, MetricJob job, String engine) throws Exception {
    List<String> tables = new ArrayList<>(List.of(job.table(), "late_events"));
    if (job == MetricJob.SESSIONS) {
      tables.add("orphan_sign_outs");
    }
    try (Connection c = DriverManager.getConnection(jdbcUrl)) {
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
      case "flink" ->
          new FlinkEngine(
              require(flinkBin, "--flink-bin"),
              require(flinkConfDir, "--flink-conf-dir"),
              require(flinkJar, "--flink-jar"),
              require(flinkUrl, "--flink-url"),
              pollMs);
      case "spark" ->
          new SparkEngine(
              require(sparkSubmit, "--spark-submit"),
              require(sparkJar, "--spark-jar"),
              sparkClass,
              sparkDriverMemory,
              sparkLog4j,
              sparkDriverJavaOptions);
      default ->
          throw new CommandLine.ParameterException(
              new CommandLine(this), "unknown engine '" + name + "' (known: flink, spark)");
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
