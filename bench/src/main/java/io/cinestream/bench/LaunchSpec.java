package io.cinestream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The launch of one engine run as the ops package builds it ({@code ./pipeline launch-spec --job J
 * --engine E ...}, {@code ops/cinestream_ops/bench_launch.py}): the bench composes no launch
 * command and no JobID pattern of its own (issue 22), it starts {@link #argv} with {@link #env} and
 * finds the Flink JobID with {@link #jobIdPattern}.
 *
 * @param job the bench job id ({@code registration}, {@code sessions}, {@code sales})
 * @param engine {@code flink}, {@code flink_sql} or {@code spark}, the {@code engine} of its rows
 * @param runtime {@code flink} (a {@code flink run} client) or {@code spark} (a spark-submit)
 * @param argv program and arguments, no shell
 * @param env variables added to the harness's environment
 * @param jar the job jar
 * @param mainClass the job's main class
 * @param jobName the Flink job name, or null for Spark
 * @param jobIdPattern regular expression whose group 1 is the JobID in {@code flink run}'s output,
 *     or null for Spark
 */
public record LaunchSpec(
    String job,
    String engine,
    String runtime,
    List<String> argv,
    Map<String, String> env,
    String jar,
    String mainClass,
    String jobName,
    String jobIdPattern) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Parses the output of {@code ./pipeline launch-spec}: its last line that starts with {@code {}
   * (lines before it, e.g. a virtual environment being installed, are ignored).
   *
   * @param output the command's standard output
   * @return the spec
   * @throws IllegalArgumentException when no line is a JSON object, or a required field ({@code
   *     job}, {@code engine}, {@code runtime}, {@code argv}) is missing; the message quotes the
   *     output's end
   */
  public static LaunchSpec parse(String output) {
    String line = null;
    for (String l : output.split("\n")) {
      if (l.strip().startsWith("{")) {
        line = l.strip();
      }
    }
    if (line == null) {
      throw new IllegalArgumentException("no JSON launch spec in: " + tail(output));
    }
    JsonNode n;
    try {
      n = JSON.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException("launch spec is not JSON: " + tail(line), e);
    }
    for (String field : List.of("job", "engine", "runtime", "argv")) {
      if (n.path(field).isMissingNode() || n.path(field).isNull()) {
        throw new IllegalArgumentException("launch spec has no " + field + ": " + tail(line));
      }
    }
    List<String> argv = new ArrayList<>();
    n.path("argv").forEach(a -> argv.add(a.asText()));
    Map<String, String> env = new LinkedHashMap<>();
    n.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    return new LaunchSpec(
        n.path("job").asText(),
        n.path("engine").asText(),
        n.path("runtime").asText(),
        List.copyOf(argv),
        Map.copyOf(env),
        textOrNull(n, "jar"),
        textOrNull(n, "main_class"),
        textOrNull(n, "job_name"),
        textOrNull(n, "job_id_pattern"));
  }

  /**
   * Asks the ops package for a spec.
   *
   * @param pipeline the {@code ./pipeline} script
   * @param job bench job id
   * @param engine engine name
   * @param options more {@code launch-spec} options, e.g. {@code --group-id G}
   * @return the parsed spec
   * @throws IllegalStateException when {@code ./pipeline launch-spec} exits non-zero (its stderr in
   *     the message) or prints no spec
   * @throws IOException when it cannot be started
   * @throws InterruptedException when interrupted while waiting for it
   */
  public static LaunchSpec fetch(Path pipeline, String job, String engine, List<String> options)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(pipeline.toString(), "launch-spec"));
    cmd.addAll(List.of("--job", job, "--engine", engine));
    cmd.addAll(options);
    Process p = new ProcessBuilder(cmd).start();
    byte[] err;
    byte[] out;
    try (var stdout = p.getInputStream();
        var stderr = p.getErrorStream()) {
      out = stdout.readAllBytes();
      err = stderr.readAllBytes();
    }
    int rc = p.waitFor();
    if (rc != 0) {
      throw new IllegalStateException(
          String.join(" ", cmd)
              + " exited with "
              + rc
              + ": "
              + tail(new String(err, StandardCharsets.UTF_8)));
    }
    return parse(new String(out, StandardCharsets.UTF_8));
  }

  /**
   * A process builder of this launch: {@link #argv}, {@link #env} added, stdout and stderr into
   * {@code log}.
   */
  public ProcessBuilder processBuilder(Path log) {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return pb;
  }

  /**
   * The Flink JobID in {@code flink run}'s output.
   *
   * @param output what the client printed so far
   * @return the first JobID, or empty when none is printed yet
   * @throws IllegalStateException for a Spark spec (no JobID pattern)
   */
  public Optional<String> jobId(String output) {
    if (jobIdPattern == null) {
      throw new IllegalStateException(engine + " has no JobID (runtime " + runtime + ")");
    }
    Matcher m = Pattern.compile(jobIdPattern).matcher(output);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static String textOrNull(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isMissingNode() || v.isNull() ? null : v.asText();
  }

  private static String tail(String s) {
    String t = s.strip();
    return t.length() <= 300 ? t : "..." + t.substring(t.length() - 300);
  }
}
