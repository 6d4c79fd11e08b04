package io.cinestream.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * <p>The launch comes from {@code ./pipeline launch-spec --engine spark} ({@link LaunchSpec}):
 * MetricsSparkJob {@code --jobs <job> --once} on {@code local[N]}, with {@code
 * --max-offsets-per-trigger} so that the catch-up runs as many micro-batches and the steady-state
 * rate comes from the batches' own {@code numInputRows} ({@link SparkEventLog#input}).
 */
public final class SparkEngine implements Engine {

  private final Path pipeline;
  private final String driverMemory;
  private final String driverJavaOptions;
  private final int batches;

  /**
   * @param pipeline the {@code ./pipeline} script, asked for each launch ({@link LaunchSpec})
   * @param driverMemory {@code --driver-memory}
   * @param driverJavaOptions extra driver JVM options (e.g. a JFR recording), or "" for none
   * @param batches micro-batches per run: {@code maxOffsetsPerTrigger} = the job's input records /
   *     this, rounded up (many batches give a steady-state rate), or 0 for one available-now batch
   */
  public SparkEngine(Path pipeline, String driverMemory, String driverJavaOptions, int batches) {
    this.pipeline = pipeline;
    this.driverMemory = driverMemory;
    this.driverJavaOptions = driverJavaOptions;
    this.batches = batches;
  }

  @Override
  public String name() {
    return "spark";
  }

  @Override
  public EngineRun run(MetricJob job, Stack stack, Path workDir) throws Exception {
    Path log = workDir.resolve("spark-submit.log");
    Path events = Files.createDirectories(workDir.resolve("event-log"));
    List<String> options =
        new ArrayList<>(
            List.of(
                "--bounded",
                "--parallelism",
                Integer.toString(stack.parallelism()),
                "--checkpoint-dir",
                workDir.resolve("checkpoints").toString(),
                "--event-log-dir",
                events.toString(),
                "--driver-memory",
                driverMemory));
    if (!driverJavaOptions.isBlank()) {
      options.add("--driver-java-options=" + driverJavaOptions);
    }
    if (batches > 0) {
      long perBatch = Math.max(1, (stack.inputRecords() + batches - 1) / batches);
      options.addAll(List.of("--max-offsets-per-trigger", Long.toString(perBatch)));
    }
    LaunchSpec spec = LaunchSpec.fetch(pipeline, job.id(), "spark", options);
    ProcessBuilder pb = spec.processBuilder(log);
    long submitMs = System.currentTimeMillis();
    Process p = pb.start();
    long pid = p.pid();
    ResourceSampler.Usage usage;
    List<SteadyState.Sample> cpu;
    try (ResourceSampler sampler =
        new ResourceSampler(() -> ProcStats.processTree(pid), 200, true).start()) {
      int rc = p.waitFor();
      usage = sampler.usage();
      cpu = sampler.cpuSeries();
      if (rc != 0) {
        throw new IllegalStateException(
            "spark-submit "
                + spec.mainClass()
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
        log,
        submitMs,
        parsed.firstJobMs(),
        parsed.input(),
        cpu,
        parsed.batches(),
        parsed.checkpointMs());
  }
}
