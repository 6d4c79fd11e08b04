package io.cinestream.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs a Spark metric job with {@code spark-submit --master local[N]} on the bench stack: {@code
 * --once} (catch up on the pre-loaded topics, then stop) with a fresh checkpoint directory, and an
 * event log from which {@link SparkEventLog} takes the processing span, the per-batch watermarks
 * and the state size. CPU and memory: the spark-submit process and its descendants (the driver JVM,
 * which runs the local executors), counted from its start, so they include the JVM and Spark
 * session start-up that Flink's long-running cluster has already paid.
 *
 * <p>Interface assumed (the Spark metric jobs are written elsewhere): class {@code <package>.<job
 * class name>} taking {@code --bootstrap --registry --jdbc-url --checkpoint-dir --once}, as the raw
 * loader does.
 */
public final class SparkEngine implements Engine {

  private final Path sparkSubmit;
  private final Path jobJar;
  private final String jobClass;
  private final String driverMemory;
  private final Path log4jConfig;
  private final String driverJavaOptions;

  /**
   * @param sparkSubmit the {@code spark-submit} script
   * @param jobJar the shaded spark-jobs jar
   * @param jobClass the Spark metrics application, run with {@code --jobs <job id>} so that it runs
   *     only the measured job's query
   * @param driverMemory {@code --driver-memory}
   * @param log4jConfig log4j2 configuration of the driver, or null
   * @param driverJavaOptions extra driver JVM options (e.g. a JFR recording), or "" for none
   */
  public SparkEngine(
      Path sparkSubmit,
      Path jobJar,
      String jobClass,
      String driverMemory,
      Path log4jConfig,
      String driverJavaOptions) {
    this.sparkSubmit = sparkSubmit;
    this.jobJar = jobJar;
    this.jobClass = jobClass;
    this.driverMemory = driverMemory;
    this.log4jConfig = log4jConfig;
    this.driverJavaOptions = driverJavaOptions;
  }

  @Override
  public String name() {
    return "spark";
  }

  @Override
  public EngineRun run(MetricJob job, Stack stack, Path workDir) throws Exception {
    Path log = workDir.resolve("spark-submit.log");
    Path events = Files.createDirectories(workDir.resolve("event-log"));
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                sparkSubmit.toString(),
                "--master",
                "local[" + stack.parallelism() + "]",
                "--driver-memory",
                driverMemory,
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.sql.session.timeZone=UTC",
                "--conf",
                "spark.sql.shuffle.partitions=" + 2 * stack.parallelism(),
                "--conf",
                "spark.eventLog.enabled=true",
                "--conf",
                "spark.eventLog.dir=" + events.toUri()));
    String javaOptions =
        ((log4jConfig != null ? "-Dlog4j2.configurationFile=" + log4jConfig.toUri() : "")
                + " "
                + driverJavaOptions)
            .trim();
    if (!javaOptions.isEmpty()) {
      cmd.addAll(List.of("--driver-java-options", javaOptions));
    }
    cmd.addAll(
        List.of(
            "--class",
            jobClass,
            jobJar.toString(),
            "--jobs",
            job.id(),
            "--bootstrap",
            stack.bootstrap(),
            "--registry",
            stack.registry(),
            "--jdbc-url",
            stack.jdbcUrl(),
            "--checkpoint-dir",
            workDir.resolve("checkpoints").toString(),
            "--once"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    long pid = p.pid();
    ResourceSampler.Usage usage;
    try (ResourceSampler sampler =
        new ResourceSampler(() -> ProcStats.processTree(pid), 200, true).start()) {
      int rc = p.waitFor();
      usage = sampler.usage();
      if (rc != 0) {
        throw new IllegalStateException(
            "spark-submit "
                + jobClass
                + " --jobs "
                + job.id()
                + " exited with "
                + rc
                + " (log "
                + log
                + ")");
      }
    }
    Path eventLog;
    try (Stream<Path> files = Files.list(events)) {
      eventLog =
          files
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no Spark event log in " + events));
    }
    SparkEventLog parsed = SparkEventLog.read(eventLog);
    return new EngineRun(
        parsed.firstJobMs(),
        parsed.lastJobMs(),
        parsed.watermarks(),
        usage,
        parsed.stateBytes(),
        parsed.phases(),
        log);
  }
}
