package io.cinestream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cinestream.schemas.Topic;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The open-loop runs behind {@code ./pipeline bench --open-loop}: for each metric job and engine,
 * the job runs unbounded on empty topics while the real generator offers a ladder of rates in real
 * time ({@code --realtime --rate R}, event time = wall time); lag is sampled every second and
 * judged by {@link OpenLoop}. The result per job and engine: the steps, the sustainable input rate
 * (records/s of the job's topics at the highest flat step), whether the producer ran out first, and
 * the latency from each window's end (wall time) to its row being visible in the sink.
 *
 * <p>Engine positions: Flink's from the Kafka source's {@code currentOffset} gauges (REST, summed
 * over subtasks; position = offset + 1); Spark's from the last committed micro-batch in the query's
 * checkpoint ({@link OpenLoop#sparkCommittedPositions}), so Spark's lag includes the batch in
 * flight. Spark runs with a 1 s trigger. Results: {@code <date>-<machine>-openloop.{json,md}}.
 */
@Command(
    name = "bench-open-loop",
    mixinStandardHelpOptions = true,
    description = "Sustainable throughput of each metric job and engine, rate-limited runs.")
public final class OpenLoopCli implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(OpenLoopCli.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern GENERATOR_RATE =
      Pattern.compile("records in [0-9.]+ s: ([0-9.]+) records/s");

  @Option(names = "--jobs", split = ",", defaultValue = "registration,sessions,sales")
  List<String> jobs;

  @Option(names = "--engines", split = ",", defaultValue = "flink,spark")
  List<String> engines;

  @Option(
      names = "--rates",
      split = ",",
      defaultValue = "25000,50000,100000,200000",
      description = "Generator rates of the ladder, events/s over all topics (${DEFAULT-VALUE}).")
  List<Double> rates;

  @Option(names = "--step-seconds", defaultValue = "30", description = "Length of a step, s.")
  int stepSeconds;

  @Option(names = "--tolerance", defaultValue = "0.05", description = "Lag growth allowed.")
  double tolerance;

  @Option(names = "--warmup", defaultValue = "0.25", description = "Share of a step's samples.")
  double warmup;

  @Option(names = "--bootstrap", required = true)
  String bootstrap;

  @Option(names = "--registry", required = true)
  String registry;

  @Option(names = "--jdbc-url", required = true)
  String jdbcUrl;

  @Option(names = "--parallelism", defaultValue = "2")
  int parallelism;

  @Option(names = "--generator-jar", required = true)
  Path generatorJar;

  @Option(
      names = "--pipeline",
      required = true,
      description =
          "The ./pipeline script: every engine launch comes from its launch-spec command.")
  Path pipeline;

  @Option(names = "--flink-url")
  String flinkUrl;

  @Option(names = "--spark-driver-memory", defaultValue = "1536m")
  String sparkDriverMemory;

  @Option(names = "--work-dir", required = true)
  Path workDir;

  @Option(names = "--output-dir", required = true)
  Path outputDir;

  @Option(names = "--command", defaultValue = "")
  String command;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * Entry point.
   *
   * @param args see {@code --help}
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new OpenLoopCli()).execute(args));
  }

  /**
   * The outcome for one job on one engine.
   *
   * @param job job id
   * @param engine engine name
   * @param steps the ladder as run, ascending
   * @param sustainableInputRate records/s of the job's topics at the highest flat step
   * @param producerBound the ladder ended because the generator fell short, not the engine
   * @param windowEndToSink latency from window end (wall time) to visible, or null without rows
   * @param rows metric rows seen
   * @param error why the run failed, or null
   */
  public record Result(
      String job,
      String engine,
      List<OpenLoop.Step> steps,
      double sustainableInputRate,
      boolean producerBound,
      LatencySummary windowEndToSink,
      int rows,
      String error) {}

  @Override
  public Integer call() throws Exception {
    List<Result> results = new ArrayList<>();
    boolean ok = true;
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(props)) {
      for (String id : jobs) {
        MetricJob job = MetricJob.byId(id);
        for (String engine : engines) {
          if ("flink_sql".equals(engine) && !job.hasSqlPeer()) {
            continue; // no Flink SQL peer of this job
          }
          try {
            results.add(runOne(admin, job, engine));
          } catch (Exception e) {
            ok = false;
            LOG.error("{} on {} failed: {}", id, engine, e.getMessage());
            results.add(new Result(id, engine, List.of(), 0, false, null, 0, e.getMessage()));
          }
        }
      }
    }
    write(results);
    return ok ? 0 : 1;
  }

  private Result runOne(Admin admin, MetricJob job, String engine) throws Exception {
    List<Topic> topics =
        job.topics().stream().filter(t -> t != Topic.MOVIES_CATALOG_ENRICHED).toList();
    resetTopics(admin, topics);
    BenchCli.cleanWarehouse(jdbcUrl, job, engine);
    Path dir = Files.createDirectories(workDir.resolve(job.id() + "-" + engine));
    LOG.info("{} on {}: starting the job unbounded (logs in {})", job.id(), engine, dir);
    Running running = "spark".equals(engine) ? startSpark(job, dir) : startFlink(job, engine, dir);
    SinkPoller poller = new SinkPoller(jdbcUrl, job, engine, 200).start();
    List<OpenLoop.Step> steps = new ArrayList<>();
    try {
      for (int i = 0; i < rates.size(); i++) {
        double rate = rates.get(i);
        OpenLoop.Step step = runStep(admin, topics, running, rate, i, dir);
        LOG.info(
            "{} on {}: generator {}/s offered, {}/s reached; input {} records/s; lag slope {}/s;"
                + " {}{}",
            job.id(),
            engine,
            (long) rate,
            (long) step.generatorRate(),
            (long) step.inputRate(),
            (long) step.lagSlope(),
            step.flat() ? "flat" : "falling behind",
            step.producerBound() ? ", producer-bound" : "");
        steps.add(step);
        if (!step.flat() || step.producerBound()) {
          break;
        }
      }
    } finally {
      running.stop();
    }
    List<SinkPoller.Row> rows = poller.stop();
    // Only closed windows: a row seen before its window's end (the running daily, weekly and
    // cumulative sales rows) is an update, not the result of a window closing.
    List<Long> latencies =
        rows.stream()
            .filter(r -> r.windowEndMs() > 0 && r.windowEndMs() <= r.firstSeenMs())
            .map(r -> r.firstSeenMs() - r.windowEndMs())
            .sorted()
            .collect(Collectors.toList());
    OpenLoop.Step last = steps.get(steps.size() - 1);
    return new Result(
        job.id(),
        engine,
        steps,
        OpenLoop.sustainableInputRate(steps),
        last.flat() && last.producerBound(),
        latencies.isEmpty() ? null : LatencySummary.of(latencies, 0),
        rows.size(),
        null);
  }

  private OpenLoop.Step runStep(
      Admin admin, List<Topic> topics, Running running, double rate, int index, Path dir)
      throws Exception {
    long events = (long) (rate * stepSeconds);
    int users = (int) Math.min(1_000_000, Math.max(10_000, events / 8));
    Path out = dir.resolve("generator-" + index + ".log");
    Process gen =
        new ProcessBuilder(
                "java",
                "-Xmx1g",
                "-XX:+UseParallelGC", // as ./pipeline generate runs it
                "-jar",
                generatorJar.toString(),
                "--realtime",
                "--rate",
                Long.toString((long) rate),
                "--max-events",
                Long.toString(events),
                "--users",
                Integer.toString(users),
                "--hours",
                "24",
                "--seed",
                Integer.toString(1000 + index),
                "--no-progress",
                "--bootstrap",
                bootstrap,
                "--registry",
                registry)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    List<OpenLoop.Sample> samples = new ArrayList<>();
    while (gen.isAlive()) {
      long t0 = System.currentTimeMillis();
      Map<String, Long> end = endOffsets(admin, topics);
      long endSum = end.values().stream().mapToLong(Long::longValue).sum();
      samples.add(new OpenLoop.Sample(t0, endSum, OpenLoop.lag(end, running.positions())));
      Thread.sleep(Math.max(0, 1000 - (System.currentTimeMillis() - t0)));
    }
    if (gen.waitFor() != 0) {
      throw new IllegalStateException(
          "generator exited with " + gen.exitValue() + " (" + out + ")");
    }
    Matcher m = GENERATOR_RATE.matcher(Files.readString(out));
    double reached = m.find() ? Double.parseDouble(m.group(1)) : 0;
    return OpenLoop.judge(rate, reached, samples, warmup, tolerance, 1000);
  }

  private Map<String, Long> endOffsets(Admin admin, List<Topic> topics) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (Topic t : topics) {
      for (int p = 0; p < t.partitions(); p++) {
        request.put(new TopicPartition(t.topicName(), p), OffsetSpec.latest());
      }
    }
    Map<String, Long> end = new HashMap<>();
    admin
        .listOffsets(request)
        .all()
        .get(10, TimeUnit.SECONDS)
        .forEach((tp, info) -> end.put(tp.topic() + "-" + tp.partition(), info.offset()));
    return end;
  }

  /** Deletes and recreates the job's event topics, so each run starts from empty topics. */
  private void resetTopics(Admin admin, List<Topic> topics) throws Exception {
    Set<String> names = topics.stream().map(Topic::topicName).collect(Collectors.toSet());
    Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
    List<String> present = names.stream().filter(existing::contains).toList();
    if (!present.isEmpty()) {
      admin.deleteTopics(present).all().get(30, TimeUnit.SECONDS);
    }
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      try {
        admin
            .createTopics(
                topics.stream()
                    .map(
                        t ->
                            new NewTopic(t.topicName(), t.partitions(), (short) 1)
                                .configs(
                                    Map.of(
                                        TopicConfig.CLEANUP_POLICY_CONFIG,
                                        t.cleanupPolicy().configValue())))
                    .toList())
            .all()
            .get(30, TimeUnit.SECONDS);
        break;
      } catch (java.util.concurrent.ExecutionException e) {
        // a deleted topic takes a moment to disappear from the controller
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
    // New partitions answer offset requests only once they have a leader.
    while (true) {
      try {
        endOffsets(admin, topics);
        break;
      } catch (java.util.concurrent.ExecutionException e) {
        if (System.currentTimeMillis() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
    Map<String, TopicDescription> described =
        admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
    LOG.info("topics reset: {}", described.keySet());
  }

  /** A job running unbounded: its position and how to stop it. */
  private interface Running {
    Map<String, Long> positions() throws Exception;

    void stop() throws Exception;
  }

  private Running startFlink(MetricJob job, String engine, Path dir) throws Exception {
    Path log = dir.resolve("flink-run.log");
    LaunchSpec spec =
        LaunchSpec.fetch(
            pipeline,
            job.id(),
            engine,
            List.of(
                "--unbounded",
                "--parallelism",
                Integer.toString(parallelism),
                "--group-id",
                "open-loop-" + job.id() + "-" + UUID.randomUUID()));
    if (spec.processBuilder(log).start().waitFor() != 0) {
      throw new IllegalStateException("flink run -d failed (" + log + ")");
    }
    String jobId =
        spec.jobId(Files.readString(log))
            .orElseThrow(() -> new IllegalStateException("no job id in " + log));
    String source = null;
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      JsonNode detail = get("/jobs/" + jobId);
      boolean allRunning = detail.path("vertices").size() > 0;
      for (JsonNode v : detail.path("vertices")) {
        allRunning &= "RUNNING".equals(v.path("status").asText());
        if (v.path("name").asText().startsWith("Source:") && source == null) {
          source = v.path("id").asText();
        }
      }
      if (allRunning) {
        break;
      }
      Thread.sleep(500);
    }
    if (source == null) {
      throw new IllegalStateException("job " + jobId + " has no source vertex or never ran");
    }
    String sourceVertex = source;
    return new Running() {
      List<String> gauges = List.of();

      @Override
      public Map<String, Long> positions() throws Exception {
        String base = "/jobs/" + jobId + "/vertices/" + sourceVertex + "/subtasks/metrics";
        if (gauges.isEmpty()) {
          List<String> found = new ArrayList<>();
          for (JsonNode g : get(base)) {
            String name = g.path("id").asText();
            if (name.contains("KafkaSourceReader.topic.") && name.endsWith(".currentOffset")) {
              found.add(name);
            }
          }
          gauges = found;
          if (gauges.isEmpty()) {
            return Map.of();
          }
        }
        Map<String, Long> positions = new HashMap<>();
        for (JsonNode g : get(base + "?get=" + String.join(",", gauges) + "&agg=max")) {
          // ...KafkaSourceReader.topic.<topic>.partition.<p>.currentOffset
          String[] parts = g.path("id").asText().split("\\.");
          int i = List.of(parts).indexOf("topic");
          long offset = (long) g.path("max").asDouble(-1);
          positions.put(parts[i + 1] + "-" + parts[i + 3], offset + 1);
        }
        return positions;
      }

      @Override
      public void stop() throws Exception {
        http.send(
            HttpRequest.newBuilder(URI.create(flinkUrl + "/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
      }
    };
  }

  private Running startSpark(MetricJob job, Path dir) throws Exception {
    Path log = dir.resolve("spark-submit.log");
    Path checkpoints = dir.resolve("checkpoints");
    LaunchSpec spec =
        LaunchSpec.fetch(
            pipeline,
            job.id(),
            "spark",
            List.of(
                "--unbounded",
                "--parallelism",
                Integer.toString(parallelism),
                "--checkpoint-dir",
                checkpoints.toString(),
                "--trigger-interval",
                "1 second",
                "--driver-memory",
                sparkDriverMemory));
    Process p = spec.processBuilder(log).start();
    long deadline = System.currentTimeMillis() + 180_000;
    Path query = null;
    while (query == null) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "spark-submit exited with " + p.exitValue() + " (" + log + ")");
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the Spark query did not start in 180 s (" + log + ")");
      }
      if (Files.isDirectory(checkpoints)) {
        try (Stream<Path> dirs = Files.list(checkpoints)) {
          query = dirs.filter(d -> Files.exists(d.resolve("metadata"))).findFirst().orElse(null);
        }
      }
      Thread.sleep(500);
    }
    Path queryCheckpoint = query;
    return new Running() {
      @Override
      public Map<String, Long> positions() {
        return OpenLoop.sparkCommittedPositions(queryCheckpoint);
      }

      @Override
      public void stop() throws Exception {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    };
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(flinkUrl + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private void write(List<Result> results) throws IOException {
    Instant now = Instant.now();
    String machine = InetAddress.getLocalHost().getHostName();
    String base =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmm").withZone(ZoneOffset.UTC).format(now)
            + "-"
            + machine.replaceAll("[^A-Za-z0-9._-]", "_")
            + "-openloop";
    Files.createDirectories(outputDir);
    JSON.copy()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(outputDir.resolve(base + ".json").toFile(), results);
    String md = markdown(results, now, machine);
    Files.writeString(outputDir.resolve(base + ".md"), md);
    System.out.print(md);
    System.out.println("\nResults: " + outputDir.resolve(base + ".{json,md}"));
  }

  /**
   * The Markdown summary: one row per job and engine, then each ladder's steps.
   *
   * @param results the runs
   * @param date when they ended
   * @param machine host name
   * @return the Markdown text
   */
  static String markdown(List<Result> results, Instant date, String machine) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "### Open-loop runs, %s, machine %s%n%n"
                + "Sustainable = the job's input records/s at the highest step whose lag stayed"
                + " flat. Latency = row visible minus window end in wall time (event time is wall"
                + " time here), so it includes the watermark's 2-minute out-of-orderness bound.%n%n"
                + "| job | engine | sustainable input records/s | ended by | window end to sink"
                + " p50 / p99 s | rows |%n|---|---|---:|---|---:|---:|%n",
            DateTimeFormatter.ISO_INSTANT.format(date),
            machine));
    for (Result r : results) {
      if (r.error() != null) {
        sb.append(
            String.format(
                "| %s | %s | failed: %s | | | |%n",
                r.job(), r.engine(), r.error().replace('|', '/').replace('\n', ' ')));
        continue;
      }
      OpenLoop.Step last = r.steps().get(r.steps().size() - 1);
      String endedBy =
          r.producerBound()
              ? "the generator (at least this much)"
              : last.flat() ? "the end of the ladder" : "lag growing";
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.0f | %s | %s | %d |%n",
              r.job(),
              r.engine(),
              r.sustainableInputRate(),
              endedBy,
              r.windowEndToSink() == null
                  ? "-"
                  : String.format(
                      Locale.ROOT,
                      "%.1f / %.1f",
                      r.windowEndToSink().p50Ms() / 1000.0,
                      r.windowEndToSink().p99Ms() / 1000.0),
              r.rows()));
    }
    sb.append(
        "\nSteps (generator events/s offered / reached, job input records/s, lag slope):\n\n");
    for (Result r : results) {
      if (r.error() != null) {
        continue;
      }
      sb.append("- ").append(r.job()).append(" on ").append(r.engine()).append(": ");
      sb.append(
          r.steps().stream()
              .map(
                  s ->
                      String.format(
                          Locale.ROOT,
                          "%.0f / %.0f, %.0f, %+.0f/s %s",
                          s.offeredRate(),
                          s.generatorRate(),
                          s.inputRate(),
                          s.lagSlope(),
                          s.flat() ? "flat" : "behind"))
              .collect(Collectors.joining("; ")));
      sb.append('\n');
    }
    return sb.toString();
  }
}
