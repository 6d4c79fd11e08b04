package io.cinestream.verify.report;

import io.cinestream.verify.Verifier;
import io.cinestream.verify.report.ReportCharts.Chart;
import io.cinestream.verify.report.ReportData.DaySales;
import io.cinestream.verify.report.ReportData.MovieSales;
import io.cinestream.verify.report.ReportData.SessionTick;
import io.cinestream.verify.report.ReportData.Timing;
import io.cinestream.verify.report.ReportData.WindowCount;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * index.html of the run report: the {@code index.html.template} resource with the title and a body
 * of headings, tables and {@code <img>} tags of the chart files beside it. Every text from the
 * warehouse or the command line is HTML-escaped; the page has no script.
 */
public final class HtmlReport {

  private static final String TEMPLATE = template();

  private HtmlReport() {}

  /**
   * Renders the page.
   *
   * @param data the report's data
   * @param charts the charts, referenced by file name (written beside index.html)
   * @return the HTML document
   */
  public static String render(ReportData data, List<Chart> charts) {
    StringBuilder b = new StringBuilder();
    Verifier.Verdict verdict = data.parity().verdict();
    String verdictName = SummaryJson.verdictName(verdict);
    b.append("<h1>Cinestream run report: ").append(esc(data.runId())).append("</h1>\n");
    b.append("<p class=\"meta\">generated ")
        .append(esc(data.generatedAt().toString()))
        .append(" &middot; engines: ")
        .append(esc(data.engines().isEmpty() ? "none" : String.join(", ", data.engines())))
        .append(" &middot; parity: <span class=\"verdict ")
        .append(verdictName)
        .append("\">")
        .append(esc(verdictName.replace('_', ' ')))
        .append("</span></p>\n");

    b.append("<h2>Run parameters</h2>\n");
    List<List<String>> params = new ArrayList<>();
    data.parameters().forEach((k, v) -> params.add(List.of(k, v)));
    params.add(List.of("run id", data.runId()));
    table(b, List.of("parameter", "value"), params, 2);

    b.append("<h2>Parity: flink vs spark vs reference</h2>\n");
    List<List<String>> parity = new ArrayList<>();
    for (Verifier.MetricReport r : data.parity().metrics()) {
      parity.add(
          List.of(
              r.metric(),
              String.join(", ", r.run()),
              String.join(", ", r.notRun()),
              Integer.toString(r.compared()),
              Integer.toString(r.equal()),
              Integer.toString(r.different()),
              r.missing().toString()));
    }
    table(
        b,
        List.of("metric", "run", "not run", "compared", "equal", "different", "missing"),
        parity,
        3);
    for (Verifier.MetricReport r : data.parity().metrics()) {
      if (r.hasDifferences()) {
        b.append("<p>").append(esc(r.metric())).append(": ").append(r.differences().size());
        b.append(" differences (first ").append(SummaryJson.MAX_DIFFERENCES).append(")</p>\n");
        b.append("<ul class=\"diff\">\n");
        r.differences().stream()
            .limit(SummaryJson.MAX_DIFFERENCES)
            .forEach(line -> b.append("<li>").append(esc(line)).append("</li>\n"));
        b.append("</ul>\n");
      }
    }

    b.append("<h2>Registrations</h2>\n");
    List<List<String>> regs = new ArrayList<>();
    data.registrations()
        .forEach(
            (type, byEngine) ->
                byEngine.forEach(
                    (engine, windows) ->
                        regs.add(
                            List.of(
                                type,
                                engine,
                                Integer.toString(windows.size()),
                                Long.toString(
                                    windows.stream()
                                        .mapToLong(WindowCount::registrationCount)
                                        .max()
                                        .orElse(0))))));
    table(b, List.of("window type", "engine", "windows", "max registrations"), regs, 2);
    image(b, charts, "registrations_tumbling_1h.png");
    image(b, charts, "registrations_sliding_1h_15m.png");

    b.append("<h2>Sessions</h2>\n");
    List<List<String>> sessions = new ArrayList<>();
    data.sessions()
        .forEach(
            (engine, ticks) -> {
              SessionTick peak =
                  ticks.stream()
                      .reduce((x, y) -> y.activeSessions() > x.activeSessions() ? y : x)
                      .orElse(null);
              sessions.add(
                  List.of(
                      engine,
                      Integer.toString(ticks.size()),
                      peak == null ? "-" : Long.toString(peak.activeSessions()),
                      peak == null ? "-" : peak.timestamp().toString()));
            });
    table(b, List.of("engine", "minute ticks", "max active sessions", "at (UTC)"), sessions, 1);
    image(b, charts, "active_sessions.png");
    image(b, charts, "session_duration.png");

    b.append("<h2>Movie sales</h2>\n");
    image(b, charts, "top_movies.png");
    List<String> engines = data.topMovies().movies().isEmpty() ? List.of() : salesEngines(data);
    List<String> header = new ArrayList<>(List.of("rank", "movie id", "title"));
    engines.forEach(e -> header.add(e + " USD"));
    engines.forEach(e -> header.add(e + " units"));
    List<List<String>> top = new ArrayList<>();
    for (MovieSales m : data.topMovies().movies()) {
      List<String> row =
          new ArrayList<>(List.of(Integer.toString(m.rank()), m.movieId(), m.title()));
      engines.forEach(e -> row.add(money(m.totalSales().get(e))));
      engines.forEach(
          e -> row.add(m.unitsSold().get(e) == null ? "-" : m.unitsSold().get(e).toString()));
      top.add(row);
    }
    table(b, header, top, 3);
    image(b, charts, "daily_sales.png");
    List<List<String>> daily = new ArrayList<>();
    data.dailySales()
        .forEach(
            (engine, days) -> {
              for (DaySales d : days) {
                daily.add(
                    List.of(
                        d.day().toString(),
                        engine,
                        money(d.totalSales()),
                        Long.toString(d.unitsSold())));
              }
            });
    table(b, List.of("day (UTC)", "engine", "total sales USD", "units sold"), daily, 2);

    b.append("<h2>Warehouse row counts</h2>\n");
    List<List<String>> counts = new ArrayList<>();
    data.tableCounts()
        .forEach((t, n) -> counts.add(List.of(t, String.format(Locale.ROOT, "%,d", n))));
    data.lateEvents()
        .forEach(
            (e, n) ->
                counts.add(
                    List.of("late_events (" + e + ")", String.format(Locale.ROOT, "%,d", n))));
    table(b, List.of("table", "rows"), counts, 1);

    b.append("<h2>Timings</h2>\n");
    if (data.timings().isEmpty()) {
      b.append("<p>No timings file given.</p>\n");
    } else {
      double total = data.timings().stream().mapToDouble(Timing::seconds).sum();
      List<List<String>> rows = new ArrayList<>();
      for (Timing t : data.timings()) {
        rows.add(
            List.of(
                t.step(),
                String.format(Locale.ROOT, "%.1f", t.seconds()),
                total == 0
                    ? "-"
                    : String.format(Locale.ROOT, "%.0f%%", 100 * t.seconds() / total)));
      }
      rows.add(List.of("total", String.format(Locale.ROOT, "%.1f", total), "100%"));
      table(b, List.of("step", "seconds", "share"), rows, 1);
    }
    // Split at the body first, so that no text from the data is ever taken for a placeholder.
    int at = TEMPLATE.indexOf("{{body}}");
    return TEMPLATE
            .substring(0, at)
            .replace("{{title}}", esc("Cinestream run report " + data.runId()))
        + b
        + TEMPLATE.substring(at + "{{body}}".length());
  }

  /**
   * Escapes text for HTML element content and double- or single-quoted attribute values.
   *
   * @param text any text, null shown as empty
   * @return the text with {@code & < > " '} replaced by entities
   */
  public static String esc(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static List<String> salesEngines(ReportData data) {
    return Verifier.ENGINES.stream()
        .filter(
            e -> data.topMovies().movies().stream().anyMatch(m -> m.totalSales().containsKey(e)))
        .toList();
  }

  private static String money(BigDecimal value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%,.2f", value);
  }

  /** A table; columns from {@code firstNumeric} on are right-aligned. */
  private static void table(
      StringBuilder b, List<String> header, List<List<String>> rows, int firstNumeric) {
    if (rows.isEmpty()) {
      b.append("<p>No rows.</p>\n");
      return;
    }
    b.append("<table>\n<tr>");
    header.forEach(h -> b.append("<th>").append(esc(h)).append("</th>"));
    b.append("</tr>\n");
    for (List<String> row : rows) {
      b.append("<tr>");
      for (int i = 0; i < row.size(); i++) {
        b.append(i >= firstNumeric ? "<td class=\"n\">" : "<td>").append(esc(row.get(i)));
        b.append("</td>");
      }
      b.append("</tr>\n");
    }
    b.append("</table>\n");
  }

  private static void image(StringBuilder b, List<Chart> charts, String file) {
    for (Chart c : charts) {
      if (c.file().equals(file)) {
        b.append("<img src=\"")
            .append(esc(c.file()))
            .append("\" alt=\"")
            .append(esc(c.title()))
            .append("\" width=\"")
            .append(c.width())
            .append("\" height=\"")
            .append(c.height())
            .append("\">\n");
        return;
      }
    }
    throw new IllegalArgumentException("no chart " + file);
  }

  private static String template() {
    try (InputStream in = HtmlReport.class.getResourceAsStream("index.html.template")) {
      if (in == null) {
        throw new IllegalStateException("resource index.html.template missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
