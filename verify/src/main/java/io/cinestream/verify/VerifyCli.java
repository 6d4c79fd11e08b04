package io.cinestream.verify;

import io.cinestream.verify.model.RawEvent;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
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
 * {@code java -jar verify.jar reference|compare --jdbc-url URL}: computes the reference metrics of
 * DESIGN section 5 from the raw warehouse tables, or compares flink vs spark vs reference. Exit
 * status: 0 on success / no difference, 1 when {@code compare} finds a difference, 2 on a usage
 * error, 3 on a database error.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    subcommands = {VerifyCli.Reference.class, VerifyCli.Compare.class},
    description = "Reference metrics and the flink/spark/reference comparison (DESIGN section 5).")
public final class VerifyCli implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(VerifyCli.class);

  /** Exit status when {@code compare} finds a difference. */
  public static final int DIFFERENCES = 1;

  /** Exit status on a database error. */
  public static final int DATABASE_ERROR = 3;

  /** Why an engine legitimately has no row for keys after its horizon. */
  static final Map<String, String> NOT_CLOSED_REASON =
      Map.of(
          "spark",
          "Spark append mode emits a window once its watermark passes the end; a bounded run"
              + " has no end-of-input watermark, unlike Flink's +infinity",
          "flink",
          "Flink closes a window when its watermark passes the end");

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
      try (Connection c = DriverManager.getConnection(jdbcUrl)) {
        WarehouseReader reader = new WarehouseReader(c);
        List<RawEvent> events = reader.readEvents(excludeLateOf);
        Map<String, Long> prices = reader.readListPriceCents();
        LOG.info("Read {} raw events and {} catalogue prices", events.size(), prices.size());
        SessionReference.Result sessions =
            SessionReference.compute(
                events,
                Duration.ofMinutes(sessionTimeoutMin),
                Duration.ofSeconds(maxOutOfOrdernessS));
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
      description = "Compare flink vs spark vs reference on every closed window.")
  static final class Compare implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--jdbc-url",
        required = true,
        description = "Warehouse JDBC URL (user/password in the URL).")
    String jdbcUrl;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      List<Verifier.MetricReport> reports;
      try (Connection c = DriverManager.getConnection(jdbcUrl)) {
        reports = new Verifier(c).compareAll();
      } catch (SQLException e) {
        LOG.error("Comparison failed", e);
        return DATABASE_ERROR;
      }
      boolean differences = false;
      for (Verifier.MetricReport r : reports) {
        out.printf(
            "%s: compared=%d equal=%d different=%d missing=%s run=%s not run=%s%n",
            r.metric(), r.compared(), r.equal(), r.different(), r.missing(), r.run(), r.notRun());
        r.notClosed()
            .forEach(
                (engine, n) -> {
                  if (n > 0) {
                    out.printf(
                        "  not judged for %s: %d key(s) ending after its last emitted window (%s)%n",
                        engine, n, NOT_CLOSED_REASON.getOrDefault(engine, "its horizon"));
                  }
                });
        r.differences().stream().limit(MAX_LINES).forEach(line -> out.println("  " + line));
        if (r.differences().size() > MAX_LINES) {
          out.printf("  ... %d more%n", r.differences().size() - MAX_LINES);
        }
        differences |= r.hasDifferences();
      }
      out.println(
          "note: spark writes no late_events rows: its stateful operators drop rows behind the"
              + " watermark without handing them to user code (counted in its query progress,"
              + " numRowsDroppedByWatermark), and its watermark moves per micro-batch, so it"
              + " calls at most the events Flink calls late");
      out.println(differences ? "RESULT: DIFFERENCES" : "RESULT: OK");
      out.flush();
      return differences ? DIFFERENCES : CommandLine.ExitCode.OK;
    }
  }
}
