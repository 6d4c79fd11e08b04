package io.cinestream.verify;

import io.cinestream.schemas.warehouse.WarehouseConnections;
import io.cinestream.verify.model.RawEvent;
import io.cinestream.verify.report.ReportData;
import io.cinestream.verify.report.ReportReader;
import io.cinestream.verify.report.RunReport;
import io.cinestream.verify.report.TimingsFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar verify.jar reference|compare|report --jdbc-url URL}: computes the reference
 * metrics of docs/metrics.md#verification from the raw warehouse tables, compares flink vs spark vs
 * reference, or writes the run report (docs/operations.md#commands). Exit status: 0 on success / no
 * difference, 1 when {@code compare} finds a difference, 2 on a usage error (also a malformed
 * timings file), 3 on a database error, 4 when the report cannot be written.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    subcommands = {VerifyCli.Reference.class, VerifyCli.Compare.class, VerifyCli.Report.class},
    description = "Reference metrics and the flink/spark/reference comparison (docs/metrics.md).")
public final class VerifyCli implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(VerifyCli.class);

  /** Exit status when {@code compare} finds a difference. */
  public static final int DIFFERENCES = 1;

  /** Exit status on a database error. */
  public static final int DATABASE_ERROR = 3;

  /** Exit status when the report files cannot be written. */
  public static final int WRITE_ERROR = 4;

  /** How many difference lines {@code compare} prints per metric. */
  public static final int MAX_LINES = 20;

  @Spec CommandSpec spec;

  /**
   * Runs the CLI and exits with its status.
   *
   * @param args command line
   */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * @return the configured command line, writing to System.out/System.err (tests redirect it)
   */
  public static CommandLine commandLine() {
    return new CommandLine(new VerifyCli());
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return CommandLine.ExitCode.USAGE;
  }

  /** Computes the reference rows and upserts them with engine 'reference'. */
  @Command(
      name = "reference",
      mixinStandardHelpOptions = true,
      description = "Compute and write the reference metric rows.")
  static final class Reference implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--jdbc-url",
        required = true,
        description = "Warehouse JDBC URL (user/password in the URL).")
    String jdbcUrl;

    @Option(
        names = "--session-timeout-min",
        defaultValue = "120",
        description = "Session timeout in minutes (default ${DEFAULT-VALUE}).")
    long sessionTimeoutMin;

    @Option(
        names = "--max-out-of-orderness-s",
        defaultValue = "120",
        description = "Watermark lag in seconds (default ${DEFAULT-VALUE}).")
    long maxOutOfOrdernessS;

    @Option(
        names = "--exclude-late-of",
        description = "Leave out the events this engine recorded in late_events (e.g. flink).")
    String excludeLateOf;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Connection c =
          DriverManager.getConnection(
              jdbcUrl, WarehouseConnections.properties(jdbcUrl, System.getenv()))) {
        WarehouseReader reader = new WarehouseReader(c);
        List<RawEvent> events = reader.readEvents(excludeLateOf);
        Map<String, Long> prices = reader.readListPriceCents();
        Instant latestTick = reader.readLatestSignTick();
        LOG.info(
            "Read {} raw events, {} catalogue prices, latest sign watermark tick {}",
            events.size(),
            prices.size(),
            latestTick == null ? "none" : latestTick);
        SessionReference.Result sessions =
            SessionReference.compute(
                events,
                Duration.ofMinutes(sessionTimeoutMin),
                Duration.ofSeconds(maxOutOfOrdernessS),
                latestTick);
        c.setAutoCommit(false);
        ReferenceWriter writer = new ReferenceWriter(c);
        int registrations = writer.writeRegistrations(RegistrationReference.compute(events));
        int ticks = writer.writeSessions(sessions.ticks());
        int orphans = writer.writeOrphans(sessions.orphans());
        int sales = writer.writeSales(SalesReference.compute(events, prices));
        c.commit();
        out.printf(
            "reference rows written: user_registration_metrics=%d session_metrics=%d"
                + " orphan_sign_outs=%d movie_sales_metrics=%d%n",
            registrations, ticks, orphans, sales);
        out.flush();
        return CommandLine.ExitCode.OK;
      } catch (SQLException e) {
        // The URL may carry a password: not logged.
        LOG.error("Reference run failed", e);
        return DATABASE_ERROR;
      }
    }
  }

  /** Compares the engines' rows; exit status 1 on any difference. */
  @Command(
      name = "compare",
      mixinStandardHelpOptions = true,
      description =
          "Compare flink vs spark vs reference on every key any of them has (a missing key is a difference).")
  static final class Compare implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--jdbc-url",
        required = true,
        description = "Warehouse JDBC URL (user/password in the URL).")
    String jdbcUrl;

    @Option(
        names = "--closed-by",
        paramLabel = "INSTANT",
        description =
            "Compare only the windows closed by this event time, ISO UTC (a tick or window ending"
                + " later is left out; live mode: its final tick minus the watermark bound).")
    Instant closedBy;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Verifier.Comparison comparison;
      try (Connection c =
          DriverManager.getConnection(
              jdbcUrl, WarehouseConnections.properties(jdbcUrl, System.getenv()))) {
        comparison = new Verifier(c, closedBy).compareAll();
      } catch (SQLException e) {
        LOG.error("Comparison failed", e);
        return DATABASE_ERROR;
      }
      if (closedBy != null) {
        out.println("windows closed by " + closedBy + " only (later ticks and windows left out)");
      }
      comparison.lines(MAX_LINES).forEach(out::println);
      out.flush();
      boolean differences = comparison.verdict() == Verifier.Verdict.DIFFERENCES;
      return differences ? DIFFERENCES : CommandLine.ExitCode.OK;
    }
  }

  /**
   * Writes the run report (index.html, summary.json, chart PNGs) of what the warehouse holds. The
   * report is written whatever the parity verdict (it shows it); {@code compare} is the gate.
   */
  @Command(
      name = "report",
      mixinStandardHelpOptions = true,
      description = "Write the run report: index.html, summary.json and charts in --out.")
  static final class Report implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--jdbc-url",
        required = true,
        description = "Warehouse JDBC URL (user/password in the URL).")
    String jdbcUrl;

    @Option(
        names = "--out",
        required = true,
        description = "Report directory, e.g. reports/<run-id> (created when missing).")
    Path dir;

    @Option(
        names = "--timings",
        description = "Step timings of the run: one line per step, name<TAB>seconds.")
    Path timings;

    @Option(names = "--run-id", description = "The run's id (default: the --out directory's name).")
    String runId;

    @Option(
        names = "--param",
        description = "A run parameter to show, KEY=VALUE (repeatable, shown in the order given).")
    LinkedHashMap<String, String> parameters = new LinkedHashMap<>();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      List<ReportData.Timing> steps = List.of();
      if (timings != null) {
        try {
          steps = TimingsFile.read(timings);
        } catch (IllegalArgumentException | IOException e) {
          err.println("report: bad timings file: " + e.getMessage());
          err.flush();
          return CommandLine.ExitCode.USAGE;
        }
      }
      String id = runId != null ? runId : dir.getFileName().toString();
      ReportData data;
      try (Connection c =
          DriverManager.getConnection(
              jdbcUrl, WarehouseConnections.properties(jdbcUrl, System.getenv()))) {
        data =
            new ReportReader(c)
                .read(id, Instant.now().truncatedTo(ChronoUnit.SECONDS), parameters, steps);
      } catch (SQLException e) {
        LOG.error("Reading the report's figures failed", e);
        return DATABASE_ERROR;
      }
      try {
        Path index = RunReport.write(dir, data);
        out.println("report written: " + index);
        out.flush();
        return CommandLine.ExitCode.OK;
      } catch (IOException e) {
        err.println("report: cannot write " + dir + ": " + e.getMessage());
        err.flush();
        return WRITE_ERROR;
      }
    }
  }
}
