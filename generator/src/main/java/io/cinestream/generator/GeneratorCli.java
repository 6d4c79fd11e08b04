package io.cinestream.generator;

import io.cinestream.generator.catalog.Catalogue;
import io.cinestream.generator.catalog.CatalogueLoader;
import io.cinestream.generator.clock.Clock;
import io.cinestream.generator.clock.RealTimeClock;
import io.cinestream.generator.clock.SimulatedClock;
import io.cinestream.generator.sim.Behaviour;
import io.cinestream.generator.sim.RandomStreams;
import io.cinestream.generator.sim.Simulation;
import io.cinestream.generator.sink.EventSink;
import io.cinestream.generator.sink.KafkaEventSink;
import io.cinestream.schemas.serde.CachingSchemaRegistryClient;
import io.cinestream.schemas.serde.SchemaRegistryClient;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code generator} command: simulates users and produces their events to Kafka.
 *
 * <p>Simulated mode (default): {@code --users} users register over {@code --hours} hours of event
 * time from {@code --start}, produced as fast as Kafka takes them. Real-time mode ({@code
 * --realtime --rate N}): the window starts now and events are released at N per second, stamped
 * with the wall clock. The same {@code --seed} and arguments give the same records in the same
 * order, event ids included (simulated mode; real-time stamps depend on the wall clock).
 *
 * <p>stdout gets the summary (a Markdown table per topic); logs and the progress bar go to stderr.
 * Exit codes: 0 success, 1 failure (empty catalogue, registry or broker unreachable, records not
 * delivered), 2 bad arguments.
 */
@Command(
    name = "generator",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Simulate Cinestream users and produce their events to Kafka (Avro, registry).")
public final class GeneratorCli implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(GeneratorCli.class);

  /** Default start of the simulated window: a Monday. */
  public static final String DEFAULT_START = "2026-01-05T00:00:00Z";

  @Spec CommandSpec spec;

  @Option(
      names = "--users",
      defaultValue = "20000",
      description = "Users who register in the window, 0..1000000 (default ${DEFAULT-VALUE}).")
  int users;

  @Option(
      names = "--hours",
      defaultValue = "24",
      description = "Length of the window, hours of event time (default ${DEFAULT-VALUE}).")
  double hours;

  @Option(
      names = "--start",
      description = "Start of the simulated window, ISO-8601 UTC (default " + DEFAULT_START + ").")
  Instant start;

  @Option(
      names = "--realtime",
      description = "Start now and stamp events with the wall clock, paced by --rate.")
  boolean realtime;

  @Option(
      names = "--rate",
      defaultValue = "100",
      description = "Events per second in --realtime mode (default ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of every random choice (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--max-delay",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "Out-of-order bound: send order lags event time by at most this (0, 500ms, 30s, 2m,"
              + " PT2M; default ${DEFAULT-VALUE}).")
  Duration maxDelay;

  @Option(
      names = "--duplicate-rate",
      defaultValue = "0",
      description = "Probability of sending an event twice, same event_id (default 0).")
  double duplicateRate;

  @Option(
      names = "--malformed-rate",
      defaultValue = "0",
      description = "Probability of following an event with undecodable bytes (default 0).")
  double malformedRate;

  @Option(
      names = "--no-sign-out-rate",
      defaultValue = "0.05",
      description = "Share of sessions that never sign out (default ${DEFAULT-VALUE}).")
  double noSignOutRate;

  @Option(
      names = "--orphan-sign-out-rate",
      defaultValue = "0",
      description = "Share of between-session gaps with a deliberate orphan sign_out (default 0).")
  double orphanSignOutRate;

  @Option(
      names = "--max-events",
      description = "Stop after this many distinct events (default: when the window ends).")
  Long maxEvents;

  @Option(
      names = "--catalog-file",
      description =
          "TSV catalogue (item_id, list_price_cents, title) instead of the"
              + " movies_catalog_enriched topic.")
  Path catalogFile;

  @Option(
      names = "--catalog-timeout",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description = "How long reading the catalogue topic may take (default ${DEFAULT-VALUE}).")
  Duration catalogTimeout;

  @Option(
      names = "--bootstrap",
      defaultValue = "${env:KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
      description = "Kafka bootstrap servers (default $KAFKA_BOOTSTRAP or 127.0.0.1:9092).")
  String bootstrap;

  @Option(
      names = "--registry",
      defaultValue = "${env:SCHEMA_REGISTRY_URL:-http://127.0.0.1:8081}",
      description = "Schema registry URL (default $SCHEMA_REGISTRY_URL or http://127.0.0.1:8081).")
  String registry;

  @Option(
      names = "--producer-property",
      description = "Extra Kafka producer setting, repeatable (e.g. linger.ms=20).")
  Map<String, String> producerProperties = new LinkedHashMap<>();

  @Option(names = "--no-progress", description = "Do not draw the progress bar.")
  boolean noProgress;

  @Option(
      names = "--log-every",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Also log a line 'generated N events (R events/s ...)' at most this often (e.g. 10s;"
              + " default: none).")
  Duration logEvery;

  @Option(
      names = "--summary-json",
      paramLabel = "FILE",
      description = "Also write the summary's counts to FILE as JSON (Summary.toJson).")
  java.nio.file.Path summaryJson;

  private final PrintStream out;
  private volatile Generator running;

  /** A command that prints its summary to {@link System#out}. */
  public GeneratorCli() {
    this(System.out);
  }

  /**
   * @param out where the summary goes
   */
  public GeneratorCli(PrintStream out) {
    this.out = out;
  }

  /**
   * Runs the command line and exits with its code.
   *
   * @param args options, see {@code --help}
   */
  public static void main(String[] args) {
    System.exit(commandLine(new GeneratorCli()).execute(args));
  }

  /**
   * The picocli command line of {@code cli}, with errors during the run reported as one log line
   * (exit code 1) instead of a stack trace.
   */
  public static CommandLine commandLine(GeneratorCli cli) {
    CommandLine cmd = new CommandLine(cli);
    cmd.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          LOG.error("Generator failed: {}", e.getMessage());
          LOG.debug("Cause", e);
          return 1;
        });
    return cmd;
  }

  @Override
  public Integer call() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              Generator g = running;
              if (g != null) {
                LOG.info("Stopping: sending what is buffered, then flushing");
                g.requestStop();
                try {
                  done.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            },
            "generator-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Summary summary;
    try {
      summary = run();
    } finally {
      done.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // The hook is running: it waits on the latch released above.
      }
    }
    out.print(summary.toMarkdown());
    out.flush();
    if (summaryJson != null) {
      java.nio.file.Files.writeString(summaryJson, summary.toJson() + "\n");
    }
    if (summary.failures() > 0) {
      LOG.error("{} records were not delivered", summary.failures());
      return 1;
    }
    return 0;
  }

  /**
   * Validates the options, loads the catalogue, and runs the generator into Kafka.
   *
   * @return what was sent
   * @throws ParameterException when options contradict each other or are out of range
   * @throws io.cinestream.generator.catalog.EmptyCatalogueException when the catalogue is empty
   * @throws InterruptedException when interrupted while pacing
   */
  public Summary run() throws InterruptedException {
    validate();
    SchemaRegistryClient registryClient = new CachingSchemaRegistryClient(registry);
    Catalogue catalogue =
        catalogFile != null
            ? CatalogueLoader.fromTsv(catalogFile)
            : CatalogueLoader.fromKafka(bootstrap, registryClient, catalogTimeout);
    LOG.info(
        "Catalogue: {} products ({} priced) from {}",
        catalogue.size(),
        catalogue.pricedCount(),
        catalogue.source());
    Clock clock =
        realtime
            ? new RealTimeClock(rate)
            : new SimulatedClock(
                (start != null ? start : Instant.parse(DEFAULT_START)).toEpochMilli());
    RandomStreams streams = new RandomStreams(seed);
    Behaviour behaviour =
        Behaviour.defaults()
            .withNoSignOutRate(noSignOutRate)
            .withOrphanSignOutRate(orphanSignOutRate);
    long windowMs = Math.round(hours * 3_600_000.0);
    Simulation simulation = new Simulation(catalogue, users, windowMs, clock, behaviour, streams);
    DeliveryOptions delivery =
        new DeliveryOptions(
            maxDelay.toMillis(),
            duplicateRate,
            malformedRate,
            maxEvents != null ? maxEvents : Long.MAX_VALUE);
    Map<String, Object> producerConfig = KafkaEventSink.producerConfig(bootstrap);
    if (!realtime) {
      producerConfig.put("linger.ms", KafkaEventSink.BULK_LINGER_MS);
    }
    producerConfig.putAll(producerProperties);
    LOG.info(
        "Generating {} users over {} h from {} (seed {}) to {}",
        users,
        hours,
        Instant.ofEpochMilli(simulation.startMs()),
        seed,
        bootstrap);
    try (EventSink sink = new KafkaEventSink(producerConfig, registryClient);
        Progress progress = new Progress(simulation, maxEvents, !noProgress)) {
      Generator generator = new Generator(sink, delivery, streams);
      running = generator;
      if (logEvery == null) {
        return generator.run(simulation, progress);
      }
      ProgressLog lines = new ProgressLog(logEvery, System::currentTimeMillis, LOG::info);
      try {
        return generator.run(
            simulation,
            (events, scheduledNowMs) -> {
              progress.update(events, scheduledNowMs);
              lines.update(events, scheduledNowMs);
            });
      } finally {
        lines.flush();
      }
    } finally {
      running = null;
    }
  }

  private void validate() {
    CommandLine cmd = spec != null ? spec.commandLine() : new CommandLine(this);
    if (realtime && start != null) {
      throw new ParameterException(cmd, "--start and --realtime exclude each other");
    }
    if (users < 0 || users > 1_000_000) {
      throw new ParameterException(cmd, "--users must be in 0..1000000, got " + users);
    }
    if (!(hours > 0)) {
      throw new ParameterException(cmd, "--hours must be positive, got " + hours);
    }
    if (!(rate > 0)) {
      throw new ParameterException(cmd, "--rate must be positive, got " + rate);
    }
    if (maxEvents != null && maxEvents < 0) {
      throw new ParameterException(cmd, "--max-events must be >= 0");
    }
    if (logEvery != null && logEvery.isZero()) {
      throw new ParameterException(cmd, "--log-every must be positive");
    }
    for (double p : new double[] {duplicateRate, malformedRate, noSignOutRate, orphanSignOutRate}) {
      if (!(p >= 0 && p <= 1)) {
        throw new ParameterException(cmd, "rates must be in [0, 1], got " + p);
      }
    }
  }

  /** The progress bar on stderr: simulated minutes, or events when --max-events is set. */
  private static final class Progress implements ProgressListener, AutoCloseable {
    private final ProgressBar bar;
    private final Simulation simulation;
    private final boolean byEvents;

    Progress(Simulation simulation, Long maxEvents, boolean enabled) {
      this.simulation = simulation;
      this.byEvents = maxEvents != null;
      long max = byEvents ? maxEvents : (simulation.endMs() - simulation.startMs()) / 60_000L;
      this.bar =
          enabled
              ? new ProgressBarBuilder()
                  .setTaskName("generate")
                  .setInitialMax(Math.max(1, max))
                  .setUnit(byEvents ? " events" : " sim-min", 1)
                  .setStyle(ProgressBarStyle.ASCII)
                  .setConsumer(
                      new me.tongfei.progressbar.ConsoleProgressBarConsumer(
                          new PrintStream(System.err, true, StandardCharsets.UTF_8)))
                  .setUpdateIntervalMillis(500)
                  .build()
              : null;
    }

    @Override
    public void update(long events, long scheduledNowMs) {
      if (bar == null) {
        return;
      }
      bar.stepTo(byEvents ? events : (scheduledNowMs - simulation.startMs()) / 60_000L);
      bar.setExtraMessage(events + " events");
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
      }
    }
  }
}
