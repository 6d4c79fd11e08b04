package io.cinestream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Runs a Flink metric job (DataStream, or its SQL peer as engine {@code flink_sql}) on the bench
 * stack's standalone cluster with the real {@code flink run} that {@code ./pipeline launch-spec}
 * composes (attached, {@code --bounded}, a fresh consumer group so it reads the topics from the
 * beginning, a fixed checkpoint interval) and measures it through the cluster's REST API:
 *
 * <ul>
 *   <li>processing span: from the moment every subtask of the job was {@code RUNNING} (the latest
 *       {@code RUNNING} timestamp of {@code /jobs/:id/vertices/:v/subtasktimes}: no record can flow
 *       end to end before) to the latest vertex {@code end-time}. The client's JVM, jar upload, job
 *       graph compilation, task deployment and operator initialization are outside it, as the Spark
 *       session start-up is outside Spark's span;
 *   <li>watermarks: the input watermark of the vertex holding the timed sink (the lowest of its
 *       subtasks), polled every {@code pollMs} from {@code /jobs/:id/vertices/:v/watermarks}. The
 *       REST values come from the JobManager's metric fetcher, so the cluster must run with a short
 *       {@code metrics.fetcher.update-interval} ({@code ./pipeline bench} sets 100 ms);
 *   <li>CPU and memory: the TaskManager and JobManager JVMs of this cluster (found by their {@code
 *       --configDir}), not the {@code flink run} client;
 *   <li>state size: {@code state_size} of the last completed checkpoint, if any completed;
 *   <li>phases ({@link #phases}): deployment, the sources reading, and the drain after them, from
 *       the subtasks' state timestamps.
 * </ul>
 */
public final class FlinkEngine implements Engine {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String engine;
  private final Path pipeline;
  private final String restUrl;
  private final long pollMs;
  private final String checkpointInterval;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param engine {@code flink} (the DataStream jobs) or {@code flink_sql} (the SQL peer jobs)
   * @param pipeline the {@code ./pipeline} script, asked for each launch ({@link LaunchSpec})
   * @param restUrl JobManager REST root, e.g. {@code http://127.0.0.1:21082}
   * @param pollMs watermark and input-counter polling interval
   * @param checkpointInterval the jobs' {@code --checkpoint-interval}, e.g. {@code 10 s}
   */
  public FlinkEngine(
      String engine, Path pipeline, String restUrl, long pollMs, String checkpointInterval) {
    this.engine = engine;
    this.pipeline = pipeline;
    this.restUrl = restUrl.replaceAll("/$", "");
    this.pollMs = pollMs;
    this.checkpointInterval = checkpointInterval;
  }

  @Override
  public String name() {
    return engine;
  }

  @Override
  public EngineRun run(MetricJob job, Stack stack, Path workDir) throws Exception {
    Path log = workDir.resolve("flink-run.log");
    LaunchSpec spec =
        LaunchSpec.fetch(
            pipeline,
            job.id(),
            engine,
            List.of(
                "--bounded",
                "--parallelism",
                Integer.toString(stack.parallelism()),
                "--group-id",
                "bench-" + job.id() + "-" + UUID.randomUUID(),
                "--checkpoint-interval",
                checkpointInterval));
    ProcessBuilder pb = spec.processBuilder(log);
    String conf = spec.env().getOrDefault("FLINK_CONF_DIR", "");
    WatermarkTimeline timeline = new WatermarkTimeline();
    List<SteadyState.Sample> input = new ArrayList<>();
    try (ResourceSampler sampler =
        new ResourceSampler(
                () -> {
                  List<Long> pids = new ArrayList<>();
                  pids.addAll(ProcStats.pidsWithCommandLine("TaskManagerRunner", conf));
                  pids.addAll(
                      ProcStats.pidsWithCommandLine("StandaloneSessionClusterEntrypoint", conf));
                  return pids;
                },
                200,
                false)
            .start()) {
      long submitMs = System.currentTimeMillis();
      Process p = pb.start();
      String jobId = awaitJobId(spec, p, log);
      String vertex = sinkVertex(jobId, job.flinkSinkName(), log);
      SourceCounter counter = new SourceCounter(jobId);
      while (p.isAlive()) {
        pollWatermark(jobId, vertex, timeline);
        counter.poll(input);
        Thread.sleep(pollMs);
      }
      int rc = p.waitFor();
      ResourceSampler.Usage usage = sampler.usage();
      JsonNode detail = awaitTerminal(jobId);
      if (rc != 0 || !"FINISHED".equals(detail.path("state").asText())) {
        throw new IllegalStateException(
            "flink run of "
                + spec.mainClass()
                + " ended with exit "
                + rc
                + ", job state "
                + detail.path("state").asText()
                + " (log "
                + log
                + ")");
      }
      long last = 0;
      List<JsonNode> subtaskTimes = new ArrayList<>();
      for (JsonNode v : detail.path("vertices")) {
        last = Math.max(last, v.path("end-time").asLong());
        subtaskTimes.add(
            get("/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/subtasktimes"));
      }
      long first = allRunningMs(subtaskTimes);
      String phases = phases(subtaskTimes, last);
      JsonNode checkpoints = get("/jobs/" + jobId + "/checkpoints");
      JsonNode cp = checkpoints.path("latest").path("completed");
      Long state = cp.isMissingNode() || cp.isNull() ? null : cp.path("state_size").asLong();
      long completed = checkpoints.path("counts").path("completed").asLong(0);
      long checkpointMs = checkpointMs(checkpoints);
      long firstInput =
          input.stream()
              .filter(s -> s.value() > 0)
              .mapToLong(SteadyState.Sample::timeMs)
              .min()
              .orElse(first);
      return new EngineRun(
          first,
          last,
          timeline,
          usage,
          state,
          phases,
          log,
          submitMs,
          firstInput,
          List.copyOf(input),
          sampler.cpuSeries(),
          completed,
          checkpointMs);
    }
  }

  /**
   * The summed end-to-end duration of a job's completed checkpoints: their count times the average
   * of {@code summary.end_to_end_duration} ({@code /jobs/:id/checkpoints}; the history list keeps
   * only the last few, the summary covers all).
   *
   * @param checkpoints the REST answer
   * @return ms, 0 when none completed
   */
  static long checkpointMs(JsonNode checkpoints) {
    long completed = checkpoints.path("counts").path("completed").asLong(0);
    double avg = checkpoints.path("summary").path("end_to_end_duration").path("avg").asDouble(0);
    return Math.round(completed * avg);
  }

  /**
   * The job's input counter: the sum over its source operators ({@code Source__...numRecordsOut},
   * every subtask) of the records they emitted, from the JobManager's metric store.
   */
  private final class SourceCounter {
    private final String jobId;
    private final Map<String, List<String>> metricsByVertex = new HashMap<>();

    SourceCounter(String jobId) {
      this.jobId = jobId;
    }

    void poll(List<SteadyState.Sample> into) {
      try {
        if (metricsByVertex.isEmpty()) {
          for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
            if (!v.path("name").asText().startsWith("Source:")) {
              continue;
            }
            String id = v.path("id").asText();
            List<String> names = new ArrayList<>();
            for (JsonNode m : get("/jobs/" + jobId + "/vertices/" + id + "/subtasks/metrics")) {
              String name = m.path("id").asText();
              if (name.startsWith("Source__") && name.endsWith(".numRecordsOut")) {
                names.add(name);
              }
            }
            if (!names.isEmpty()) {
              metricsByVertex.put(id, names);
            }
          }
          if (metricsByVertex.isEmpty()) {
            return;
          }
        }
        long now = System.currentTimeMillis();
        double sum = 0;
        for (Map.Entry<String, List<String>> e : metricsByVertex.entrySet()) {
          String path =
              "/jobs/"
                  + jobId
                  + "/vertices/"
                  + e.getKey()
                  + "/subtasks/metrics?get="
                  + String.join(",", e.getValue())
                  + "&agg=sum";
          for (JsonNode m : get(path)) {
            sum += m.path("sum").asDouble(0);
          }
        }
        into.add(new SteadyState.Sample(now, sum));
      } catch (Exception e) {
        // the job is finishing and its vertices are going away: the last sample stands
      }
    }
  }

  /**
   * When every subtask of a job was running: the latest {@code RUNNING} timestamp over the subtasks
   * of all vertices.
   *
   * @param subtaskTimes one {@code /jobs/:id/vertices/:v/subtasktimes} answer per vertex ({@code
   *     subtasks[].timestamps} maps execution states to epoch ms)
   * @return epoch ms
   * @throws IllegalStateException when a subtask has no {@code RUNNING} timestamp (it never ran)
   */
  static long allRunningMs(List<JsonNode> subtaskTimes) {
    long latest = Long.MIN_VALUE;
    for (JsonNode vertex : subtaskTimes) {
      for (JsonNode subtask : vertex.path("subtasks")) {
        long running = subtask.path("timestamps").path("RUNNING").asLong(0);
        if (running <= 0) {
          throw new IllegalStateException(
              "subtask "
                  + subtask.path("subtask").asInt()
                  + " of vertex '"
                  + vertex.path("name").asText()
                  + "' has no RUNNING timestamp");
        }
        latest = Math.max(latest, running);
      }
    }
    if (latest == Long.MIN_VALUE) {
      throw new IllegalStateException("no subtask times");
    }
    return latest;
  }

  /**
   * Where a finished job's time went, in words: deploying and initializing (earliest {@code
   * DEPLOYING} to {@link #allRunningMs}, before the processing span), the sources reading (to the
   * last {@code FINISHED} of a vertex named {@code Source: ...}: they finish at their end offsets)
   * and the drain after them (the last windows fire, the sinks flush, the job ends).
   *
   * @param subtaskTimes one {@code subtasktimes} answer per vertex
   * @param endMs the latest vertex {@code end-time}, epoch ms
   * @return e.g. {@code "deploying and initializing 3.5 s (before the span), sources reading 5.1 s,
   *     draining after them 1.4 s"}
   * @throws IllegalStateException as {@link #allRunningMs}
   */
  static String phases(List<JsonNode> subtaskTimes, long endMs) {
    long running = allRunningMs(subtaskTimes);
    long deploying = Long.MAX_VALUE;
    long sourcesDone = Long.MIN_VALUE;
    for (JsonNode vertex : subtaskTimes) {
      boolean source = vertex.path("name").asText().startsWith("Source:");
      for (JsonNode subtask : vertex.path("subtasks")) {
        JsonNode ts = subtask.path("timestamps");
        long d = ts.path("DEPLOYING").asLong(0);
        if (d > 0) {
          deploying = Math.min(deploying, d);
        }
        if (source) {
          sourcesDone = Math.max(sourcesDone, ts.path("FINISHED").asLong(Long.MIN_VALUE));
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    if (deploying != Long.MAX_VALUE) {
      sb.append(
          String.format(
              Locale.ROOT,
              "deploying and initializing %.1f s (before the span), ",
              (running - deploying) / 1000.0));
    }
    if (sourcesDone == Long.MIN_VALUE) {
      return sb.append(String.format(Locale.ROOT, "running %.1f s", (endMs - running) / 1000.0))
          .toString();
    }
    return sb.append(
            String.format(
                Locale.ROOT,
                "sources reading %.1f s, draining after them %.1f s",
                (sourcesDone - running) / 1000.0,
                (endMs - sourcesDone) / 1000.0))
        .toString();
  }

  /**
   * The job's details once the REST API shows a terminal state: its execution-graph cache can still
   * show RUNNING for a few seconds after the attached client has received the result.
   */
  private JsonNode awaitTerminal(String jobId) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      JsonNode detail = get("/jobs/" + jobId);
      String state = detail.path("state").asText();
      if (List.of("FINISHED", "FAILED", "CANCELED").contains(state)
          || System.currentTimeMillis() > deadline) {
        return detail;
      }
      Thread.sleep(200);
    }
  }

  private static String awaitJobId(LaunchSpec spec, Process p, Path log)
      throws IOException, InterruptedException {
    while (true) {
      var id = spec.jobId(Files.readString(log));
      if (id.isPresent()) {
        return id.get();
      }
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "flink run exited with " + p.exitValue() + " before submitting (log " + log + ")");
      }
      Thread.sleep(20);
    }
  }

  private String sinkVertex(String jobId, String sinkName, Path log) throws Exception {
    for (JsonNode v : get("/jobs/" + jobId).path("vertices")) {
      if (v.path("name").asText().contains(sinkName)) {
        return v.path("id").asText();
      }
    }
    throw new IllegalStateException(
        "job " + jobId + " has no vertex named like '" + sinkName + "' (log " + log + ")");
  }

  private void pollWatermark(String jobId, String vertex, WatermarkTimeline timeline) {
    try {
      JsonNode wms = get("/jobs/" + jobId + "/vertices/" + vertex + "/watermarks");
      long now = System.currentTimeMillis();
      long min = Long.MAX_VALUE;
      int n = 0;
      for (JsonNode w : wms) {
        if (w.path("id").asText().endsWith("currentInputWatermark")) {
          min = Math.min(min, w.path("value").asLong());
          n++;
        }
      }
      if (n > 0) {
        timeline.observe(now, min);
      }
    } catch (Exception e) {
      // the job is finishing and its vertices are going away: the last observation stands
    }
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(restUrl + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }
}
