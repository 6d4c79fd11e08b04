package io.cinestream.verify.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cinestream.verify.report.ReportCharts.Chart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a run report directory: {@code index.html}, {@code summary.json} and the chart PNGs beside
 * them, so the directory is self-contained (no network, no script).
 */
public final class RunReport {

  /** The page's file name. */
  public static final String INDEX = "index.html";

  /** The figures' file name. */
  public static final String SUMMARY = "summary.json";

  private RunReport() {}

  /**
   * Writes the report, replacing files of the same names.
   *
   * @param dir the report directory, created when missing
   * @param data the report's data
   * @return the path of index.html
   * @throws IOException when a file cannot be written
   */
  public static Path write(Path dir, ReportData data) throws IOException {
    Files.createDirectories(dir);
    List<Chart> charts = ReportCharts.render(data);
    for (Chart chart : charts) {
      Files.write(dir.resolve(chart.file()), chart.png());
    }
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    mapper.writeValue(
        dir.resolve(SUMMARY).toFile(),
        SummaryJson.build(data, charts.stream().map(Chart::file).toList()));
    Path index = dir.resolve(INDEX);
    Files.writeString(index, HtmlReport.render(data, charts), StandardCharsets.UTF_8);
    return index;
  }
}
