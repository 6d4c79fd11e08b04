package io.cinestream.flink;

import java.time.Duration;
import java.util.Locale;
import org.apache.flink.util.ParameterTool;

/**
 * The typed command-line options of the three jobs, parsed once in {@code main} ({@link
 * #fromArgs(String[])}); tests build them with {@link #defaults()} and the {@code with*} methods.
 *
 * <p>Options (durations accept Flink's syntax, e.g. {@code 2 min}, {@code 30s}, {@code 2h}):
 *
 * <ul>
 *   <li>{@code --bootstrap} Kafka bootstrap servers (default {@code 127.0.0.1:9092})
 *   <li>{@code --registry} schema registry URL (default {@code http://127.0.0.1:8081})
 *   <li>{@code --jdbc-url} warehouse JDBC URL (default the local PostgreSQL)
 *   <li>{@code --group-id} Kafka consumer group (default {@code cinestream-flink-<job>})
 *   <li>{@code --bounded} read each topic up to its end offsets at start, then finish (for {@code
 *       ./pipeline run}); every window closes at end of input
 *   <li>{@code --parallelism} job parallelism (default 2)
 *   <li>{@code --source-parallelism} source parallelism (default 0 = the job's)
 *   <li>{@code --checkpoint-interval} (default 30 s; 0 disables checkpointing)
 *   <li>{@code --checkpoint-dir} checkpoint storage URI (default: the cluster's configuration)
 *   <li>{@code --state-backend} {@code hashmap} (default) or {@code rocksdb}
 *   <li>{@code --restart-strategy} {@code exponential-delay}, {@code fixed-delay} or {@code none}
 *       (default {@code fixed-delay} with {@code --bounded}, else {@code exponential-delay}:
 *       docs/operations.md#restart-strategy)
 *   <li>{@code --restart-attempts} / {@code --restart-delay} attempts and delay of {@code
 *       fixed-delay} (default 3 attempts, 10 s); {@code exponential-delay} retries without limit
 *       with Flink's default backoff (1 s, times 1.5 per failure, at most 1 min; reset after an
 *       hour of running)
 *   <li>{@code --max-out-of-orderness} watermark delay (default 2 min, docs/metrics.md#watermark)
 *   <li>{@code --idleness} a source split without records for this long stops holding the watermark
 *       back (default 1 min; 0 = never)
 *   <li>{@code --catalog-idleness} the catalogue stops holding the sales watermark back after this
 *       long without records (default 30 s)
 *   <li>{@code --session-timeout} session expiry after sign_in (default 2 h, docs/metrics.md)
 *   <li>{@code --dedup-retention} how long (event time) seen event ids are kept (default 24 h)
 *   <li>{@code --max-event-time-ahead} an event dated more than this after the wall clock at decode
 *       is a dead letter ({@code INVALID_VALUE}), so one future-dated record cannot move the
 *       watermark beyond wall clock + this - max-out-of-orderness (default 2 min, {@code
 *       EventValues#DEFAULT_MAX_AHEAD})
 *   <li>{@code --punctuated-watermarks} emit a watermark after every record instead of periodically
 *       (deterministic lateness, for tests and replays)
 * </ul>
 *
 * @param bootstrap Kafka bootstrap servers
 * @param registry schema registry root URL
 * @param jdbcUrl warehouse JDBC URL (user and password may be URL parameters)
 * @param groupId Kafka consumer group id, or null for the job's default
 * @param bounded read to the end offsets present at start, then finish
 * @param parallelism job parallelism (>= 1)
 * @param sourceParallelism source parallelism, 0 = same as the job
 * @param checkpointInterval checkpoint interval; zero disables checkpointing
 * @param checkpointDir checkpoint storage URI, or null
 * @param stateBackend {@code hashmap} or {@code rocksdb}
 * @param restartStrategy {@code exponential-delay}, {@code fixed-delay} or {@code none}
 * @param restartAttempts fixed-delay restart attempts
 * @param restartDelay fixed-delay delay between restart attempts
 * @param maxOutOfOrderness watermark = max event time - this
 * @param idleness source idleness timeout; zero disables
 * @param catalogIdleness idleness of the catalogue source (sales job)
 * @param sessionTimeout session expiry after its sign_in
 * @param dedupRetention event-time retention of seen event ids
 * @param maxEventTimeAhead how far after the wall clock an event time may be (EventValues)
 * @param punctuatedWatermarks watermark after every record
 */
public record JobOptions(
    String bootstrap,
    String registry,
    String jdbcUrl,
    String groupId,
    boolean bounded,
    int parallelism,
    int sourceParallelism,
    Duration checkpointInterval,
    String checkpointDir,
    String stateBackend,
    String restartStrategy,
    int restartAttempts,
    Duration restartDelay,
    Duration maxOutOfOrderness,
    Duration idleness,
    Duration catalogIdleness,
    Duration sessionTimeout,
    Duration dedupRetention,
    Duration maxEventTimeAhead,
    boolean punctuatedWatermarks) {

  /** The values {@code --restart-strategy} accepts (Flink's {@code restart-strategy.type}). */
  public static final java.util.List<String> RESTART_STRATEGIES =
      java.util.List.of("exponential-delay", "fixed-delay", "none");

  /** Validates the values. */
  public JobOptions {
    if (parallelism < 1) {
      throw new IllegalArgumentException("--parallelism must be >= 1, got " + parallelism);
    }
    if (sourceParallelism < 0) {
      throw new IllegalArgumentException("--source-parallelism must be >= 0");
    }
    stateBackend = stateBackend.toLowerCase(Locale.ROOT);
    restartStrategy = restartStrategy.toLowerCase(Locale.ROOT);
    if (!RESTART_STRATEGIES.contains(restartStrategy)) {
      throw new IllegalArgumentException(
          "--restart-strategy must be one of " + RESTART_STRATEGIES + ", got " + restartStrategy);
    }
    if (restartAttempts < 0) {
      throw new IllegalArgumentException("--restart-attempts must be >= 0, got " + restartAttempts);
    }
    if (!stateBackend.equals("hashmap") && !stateBackend.equals("rocksdb")) {
      throw new IllegalArgumentException(
          "--state-backend must be hashmap or rocksdb, got " + stateBackend);
    }
    if (maxOutOfOrderness.isNegative() || sessionTimeout.isZero() || sessionTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "--max-out-of-orderness must be >= 0 and --session-timeout > 0");
    }
    if (maxEventTimeAhead.isNegative()) {
      throw new IllegalArgumentException(
          "--max-event-time-ahead must be >= 0, got " + maxEventTimeAhead);
    }
  }

  /** The defaults: the local stack of {@code cinestream.conf}. */
  public static JobOptions defaults() {
    return fromArgs(new String[0]);
  }

  /**
   * Parses {@code --name value} pairs (and the flags {@code --bounded}, {@code
   * --punctuated-watermarks}).
   *
   * @throws IllegalArgumentException on an unknown option (a misspelt flag must not be ignored and
   *     leave its default in force), an unparseable number or duration, or an invalid value
   */
  public static JobOptions fromArgs(String[] args) {
    Args p = new Args(ParameterTool.fromArgs(args));
    JobOptions options = parse(p);
    p.rejectUnread();
    return options;
  }

  private static JobOptions parse(Args p) {
    return new JobOptions(
        p.get("bootstrap", "127.0.0.1:9092"),
        p.get("registry", "http://127.0.0.1:8081"),
        p.get("jdbc-url", "jdbc:postgresql://127.0.0.1:5432/cinestream?user=postgres"),
        p.get("group-id", null),
        flag(p, "bounded"),
        p.getInt("parallelism", 2),
        p.getInt("source-parallelism", 0),
        duration(p, "checkpoint-interval", "30 s"),
        p.get("checkpoint-dir", null),
        p.get("state-backend", "hashmap"),
        p.get("restart-strategy", flag(p, "bounded") ? "fixed-delay" : "exponential-delay"),
        p.getInt("restart-attempts", 3),
        duration(p, "restart-delay", "10 s"),
        duration(p, "max-out-of-orderness", "2 min"),
        duration(p, "idleness", "1 min"),
        duration(p, "catalog-idleness", "30 s"),
        duration(p, "session-timeout", "2 h"),
        duration(p, "dedup-retention", "24 h"),
        duration(p, "max-event-time-ahead", "2 min"),
        flag(p, "punctuated-watermarks"));
  }

  /**
   * The parsed arguments, remembering which option names the parser asked for, so that any other
   * name given on the command line is refused.
   */
  private static final class Args {
    private final ParameterTool params;
    private final java.util.Set<String> read = new java.util.TreeSet<>();

    Args(ParameterTool params) {
      this.params = params;
    }

    String get(String name, String fallback) {
      read.add(name);
      return params.get(name, fallback);
    }

    int getInt(String name, int fallback) {
      read.add(name);
      try {
        return params.getInt(name, fallback);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--" + name + " takes a whole number, got '" + params.get(name) + "'", e);
      }
    }

    boolean has(String name) {
      read.add(name);
      return params.has(name);
    }

    void rejectUnread() {
      java.util.Set<String> unknown = new java.util.TreeSet<>(params.toMap().keySet());
      unknown.removeAll(read);
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException(
            "unknown option(s) "
                + unknown.stream().map(n -> "--" + n).toList()
                + "; the options are "
                + read.stream().map(n -> "--" + n).toList());
      }
    }
  }

  private static Duration duration(Args p, String name, String fallback) {
    String text = p.get(name, fallback);
    try {
      return org.apache.flink.util.TimeUtils.parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + name + ": " + e.getMessage(), e);
    }
  }

  /** The consumer group of a job: {@code --group-id}, else {@code cinestream-flink-<job>}. */
  public String groupIdFor(String jobName) {
    return groupId != null ? groupId : "cinestream-flink-" + jobName;
  }

  /** A copy with another source parallelism. */
  public JobOptions withSourceParallelism(int value) {
    return new JobOptions(
        bootstrap,
        registry,
        jdbcUrl,
        groupId,
        bounded,
        parallelism,
        value,
        checkpointInterval,
        checkpointDir,
        stateBackend,
        restartStrategy,
        restartAttempts,
        restartDelay,
        maxOutOfOrderness,
        idleness,
        catalogIdleness,
        sessionTimeout,
        dedupRetention,
        maxEventTimeAhead,
        punctuatedWatermarks);
  }

  /** A copy with watermarks after every record (and no idleness), for deterministic tests. */
  public JobOptions withPunctuatedWatermarks() {
    return new JobOptions(
        bootstrap,
        registry,
        jdbcUrl,
        groupId,
        bounded,
        parallelism,
        sourceParallelism,
        checkpointInterval,
        checkpointDir,
        stateBackend,
        restartStrategy,
        restartAttempts,
        restartDelay,
        maxOutOfOrderness,
        Duration.ZERO,
        Duration.ZERO,
        sessionTimeout,
        dedupRetention,
        maxEventTimeAhead,
        true);
  }

  /** A copy with another session timeout. */
  public JobOptions withSessionTimeout(Duration value) {
    return new JobOptions(
        bootstrap,
        registry,
        jdbcUrl,
        groupId,
        bounded,
        parallelism,
        sourceParallelism,
        checkpointInterval,
        checkpointDir,
        stateBackend,
        restartStrategy,
        restartAttempts,
        restartDelay,
        maxOutOfOrderness,
        idleness,
        catalogIdleness,
        value,
        dedupRetention,
        maxEventTimeAhead,
        punctuatedWatermarks);
  }

  /** A copy with another JDBC URL. */
  public JobOptions withJdbcUrl(String value) {
    return new JobOptions(
        bootstrap,
        registry,
        value,
        groupId,
        bounded,
        parallelism,
        sourceParallelism,
        checkpointInterval,
        checkpointDir,
        stateBackend,
        restartStrategy,
        restartAttempts,
        restartDelay,
        maxOutOfOrderness,
        idleness,
        catalogIdleness,
        sessionTimeout,
        dedupRetention,
        maxEventTimeAhead,
        punctuatedWatermarks);
  }

  /**
   * A boolean flag: absent = false; {@code --name} alone or {@code --name true} = true; {@code
   * --name false} = false. {@code ParameterTool.getBoolean} would read a bare flag's placeholder
   * value as false.
   */
  private static boolean flag(Args p, String name) {
    return p.has(name) && !"false".equalsIgnoreCase(p.get(name, null));
  }
}
