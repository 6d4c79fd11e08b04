package io.cinestream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The results of one bench run and their three renderings: JSON (everything), a Markdown table
 * (engine x job) and a bar chart of events/s per job and engine, ceiling included.
 *
 * @param date run date, ISO-8601 UTC
 * @param machine host name
 * @param cores available processors
 * @param loadAverage 1-minute load average at the end of the run
 * @param events events the workload step pre-loaded (generator {@code --max-events})
 * @param seed generator seed
 * @param parallelism job parallelism / Spark local cores
 * @param warmupFraction share of the first windows left out of the latency figures
 * @param warmupRuns unmeasured runs of each job on each engine before the measured one
 * @param command the command that produced it
 * @param results one row per job and engine
 * @param method how the figures were taken (runs, steady-state window, checkpoint interval), a
 *     paragraph shown above the table, or "" for none
 */
public record Report(
    String date,
    String machine,
    int cores,
    double loadAverage,
    long events,
    long seed,
    int parallelism,
    double warmupFraction,
    int warmupRuns,
    String command,
    List<BenchResult> results,
    String method) {

  /** A report without a method paragraph. */
  public Report(
      String date,
      String machine,
      int cores,
      double loadAverage,
      long events,
      long seed,
      int parallelism,
      double warmupFraction,
      int warmupRuns,
      String command,
      List<BenchResult> results) {
    this(
        date,
        machine,
        cores,
        loadAverage,
        events,
        seed,
        parallelism,
        warmupFraction,
        warmupRuns,
        command,
        results,
        "");
  }

  /** Writes the report as indented JSON. */
  public void writeJson(Path file) throws IOException {
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
  }

  /** Columns of {@link #markdownTable}. */
  static final String TABLE_HEADER =
      "| job | engine | input records | steady events/s, median (min-max) | vs ceiling"
          + " | steady span s (x start-up) | start-up s | end-to-end events/s"
          + " | CPU-s per M events (steady) | checkpoints: n / ms | window-to-sink p50 / p99 ms"
          + " | peak RSS MiB | notes |\n"
          + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";

  /**
   * The Markdown table: one row per job and engine, in the order of {@link #results}. Rates as
   * integers, the steady-state figures as "median (min-max)" over the runs, the ratio of the steady
   * median to the ceiling's median in percent, the steady span in s with its ratio to the start-up,
   * start-up in s, CPU-s per million events with one decimal, latencies in ms ({@code -} when not
   * measured), peak RSS in MiB; notes: the Flink SQL parity verdict, and a warning when the span is
   * under 20 times the start-up. Failed runs show their error, jobs an engine does not have "n/a".
   */
  public String markdownTable() {
    StringBuilder sb = new StringBuilder(TABLE_HEADER);
    for (BenchResult r : results) {
      if (r.isNotApplicable()) {
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | n/a | n/a | | | | | | | | | %s |%n",
                r.job(),
                r.engine(),
                r.error().substring(r.error().indexOf(':') + 1).strip()));
        continue;
      }
      if (r.error() != null) {
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | failed: %s | | | | | | | | | | |%n",
                r.job(),
                r.engine(),
                r.error().replace('|', '/').replace('\n', ' ')));
        continue;
      }
      BenchResult.Steady st = r.steady();
      boolean engine = st != null && st.startupSeconds() != null;
      List<String> notes = new ArrayList<>();
      if (st != null && st.parity() != null) {
        notes.add("Flink SQL rows " + st.parity());
      }
      if (engine && st.spanOverStartup() < 20) {
        notes.add("span under 20x start-up");
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %s | %.0f %% | %s | %s | %s | %s | %s | %s | %.0f | %s |%n",
              r.job(),
              r.engine(),
              r.events(),
              st == null
                  ? String.format(Locale.ROOT, "%.0f", r.eventsPerSecond())
                  : st.eventsPerSecond().format(0),
              100 * r.ratioToCeiling(),
              st == null
                  ? "-"
                  : engine
                      ? String.format(
                          Locale.ROOT,
                          st.spanOverStartup() < 10 ? "%.1f (%.2fx)" : "%.1f (%.0fx)",
                          st.spanSeconds(),
                          st.spanOverStartup())
                      : String.format(Locale.ROOT, "%.1f", st.spanSeconds()),
              engine ? st.startupSeconds().format(1) : "-",
              engine ? st.endToEndPerSecond().format(0) : "-",
              st == null
                  ? String.format(Locale.ROOT, "%.1f", r.cpuSecondsPerMillion())
                  : st.cpuSecondsPerMillion().format(1),
              engine ? st.checkpoints() + " / " + st.checkpointMs() : "-",
              r.windowToSink() == null
                  ? "-"
                  : r.windowToSink().p50Ms()
                      + " / "
                      + r.windowToSink().p99Ms()
                      + (r.clampedRows() > 0
                          ? " (" + r.clampedRows() + " of " + r.rows() + " rows at 0)"
                          : ""),
              r.peakRssMb(),
              String.join("; ", notes)));
    }
    return sb.toString();
  }

  /** The whole Markdown file: a heading with the run's context, the table and the command. */
  public String markdown() {
    return String.format(
            Locale.ROOT,
            "### Engine benchmark, %d events (seed %d), parallelism %d, %s%n%n"
                + "Machine %s, %d cores, load average %.2f at the end; latency percentiles after"
                + " leaving out the first %.0f %% of windows; %s.%n%n",
            events,
            seed,
            parallelism,
            date,
            machine,
            cores,
            loadAverage,
            100 * warmupFraction,
            warmupRuns == 0
                ? "no warm-up run (each engine measured on its first run of the job)"
                : warmupRuns
                    + " unmeasured warm-up run(s) of each job on each engine before the measured"
                    + " one (Flink: the same cluster; Spark: a new spark-submit JVM per run)")
        + (method.isEmpty() ? "" : method + "\n\n")
        + markdownTable()
        + phases()
        + "\nCommand: `"
        + command
        + "`\n";
  }

  /** "Where the time went": one bullet per run that reported its phases, or "" when none did. */
  private String phases() {
    StringBuilder sb = new StringBuilder();
    for (BenchResult r : results) {
      if (r.phases() != null) {
        sb.append("- ").append(r.job()).append(" on ").append(r.engine()).append(": ");
        sb.append(r.phases()).append('\n');
      }
    }
    return sb.isEmpty() ? "" : "\nWhere the time went:\n\n" + sb + "\n";
  }

  /** Width of {@link #writeChart}'s PNG, pixels. */
  static final int CHART_WIDTH = 900;

  /** Height of {@link #writeChart}'s PNG, pixels. */
  static final int CHART_HEIGHT = 500;

  /**
   * A PNG bar chart ({@value #CHART_WIDTH} x {@value #CHART_HEIGHT} pixels, drawn with JFreeChart,
   * the run report's charting library): events/s per job (categories) and engine (series), the
   * ceiling as one series; a job an engine did not run shows no bar for it.
   *
   * @param png the file to write; its parent directories are created
   * @throws IOException when the file cannot be written
   */
  public void writeChart(Path png) throws IOException {
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    Set<String> jobs = new LinkedHashSet<>();
    Set<String> engines = new LinkedHashSet<>();
    for (BenchResult r : results) {
      jobs.add(r.job());
      engines.add(r.engine());
    }
    for (String engine : engines) {
      for (String job : jobs) {
        dataset.addValue(
            results.stream()
                .filter(r -> r.job().equals(job) && r.engine().equals(engine))
                .mapToDouble(BenchResult::eventsPerSecond)
                .findFirst()
                .orElse(0),
            engine,
            job);
      }
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            "Events/s per job, " + events + " events",
            "job",
            "events/s",
            dataset,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    Files.createDirectories(png.toAbsolutePath().getParent());
    ChartUtils.saveChartAsPNG(png.toFile(), chart, CHART_WIDTH, CHART_HEIGHT);
  }
}
