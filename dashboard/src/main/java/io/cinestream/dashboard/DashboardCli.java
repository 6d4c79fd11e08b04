package io.cinestream.dashboard;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar dashboard.jar}: the live dashboard and the pipeline's gauges on one port
 * (docs/operations.md#dashboard). Reads the warehouse (and Kafka's consumer lag) every {@code
 * --refresh-seconds}; runs until SIGTERM or SIGINT. Exit status 2 on a bad option, 1 when the port
 * cannot be bound.
 */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description = "The live dashboard, its JSON API and /metrics on HOST:PORT.")
public final class DashboardCli implements java.util.concurrent.Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(DashboardCli.class);

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind.")
  String host;

  @Option(names = "--port", defaultValue = "8090", description = "Port (DASHBOARD_PORT).")
  int port;

  @Option(
      names = "--jdbc-url",
      required = true,
      description = "Warehouse JDBC URL (role cinestream).")
  String jdbcUrl;

  @Option(
      names = "--prometheus-url",
      defaultValue = "http://127.0.0.1:9090",
      description = "Prometheus.")
  String prometheusUrl;

  @Option(
      names = "--bootstrap",
      description = "Kafka bootstrap servers for the consumer lag; none: no lag.")
  String bootstrap;

  @Option(
      names = "--spark-checkpoints",
      description = "Folder of the Spark queries' checkpoints, for their lag; none: no Spark lag.")
  Path sparkCheckpoints;

  @Option(
      names = "--refresh-seconds",
      defaultValue = "5",
      description = "Seconds between readings.")
  int refreshSeconds;

  /** Used by picocli. */
  public DashboardCli() {}

  @Override
  public Integer call() throws Exception {
    if (refreshSeconds < 1) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--refresh-seconds must be >= 1, not " + refreshSeconds);
    }
    // The password comes from the environment (CINESTREAM_JDBC_PASSWORD, exported by ./pipeline
    // from the stack's password file; a Secret in Kubernetes), never from the command line.
    Warehouse warehouse = new Warehouse(jdbcUrl, System.getenv());
    ConsumerLag lag = bootstrap == null || bootstrap.isBlank() ? null : new ConsumerLag(bootstrap);
    Monitor monitor = new Monitor(warehouse, lag, sparkCheckpoints, Clock.systemUTC());
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    timer.scheduleWithFixedDelay(monitor::refresh, 0, refreshSeconds, TimeUnit.SECONDS);
    DashboardServer server =
        new DashboardServer(warehouse, monitor, new PrometheusAlerts(prometheusUrl))
            .start(host, port);
    LOG.info("dashboard on http://{}:{}/ (metrics: /metrics)", host, server.port());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  timer.shutdownNow();
                  server.close();
                  if (lag != null) {
                    lag.close();
                  }
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }

  /**
   * Entry point.
   *
   * @param args see {@code --help}
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new DashboardCli()).execute(args));
  }
}
