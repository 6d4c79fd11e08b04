package io.cinestream.verify.report;

import io.cinestream.verify.report.ReportData.Timing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The step timings {@code ./pipeline run} records: one line per step, {@code name<TAB>seconds}, in
 * run order; blank lines are ignored. A step run twice appears twice.
 */
public final class TimingsFile {

  private TimingsFile() {}

  /**
   * Reads a timings file.
   *
   * @param file the file (UTF-8)
   * @return the steps in file order
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException naming the file and line when a line has no tab, an empty
   *     name, or seconds that are not a finite number at least 0
   */
  public static List<Timing> read(Path file) throws IOException {
    return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  /**
   * Parses the lines of a timings file.
   *
   * @param source the file's name, for error messages
   * @param lines its lines, without terminators
   * @return the steps in line order
   * @throws IllegalArgumentException naming the source and line number when a line is malformed
   *     (see {@link #read})
   */
  public static List<Timing> parse(String source, List<String> lines) {
    List<Timing> timings = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String where = source + " line " + (i + 1) + " '" + line + "': ";
      int tab = line.lastIndexOf('\t');
      if (tab < 0) {
        throw new IllegalArgumentException(where + "expected name<TAB>seconds");
      }
      String name = line.substring(0, tab).strip();
      if (name.isEmpty()) {
        throw new IllegalArgumentException(where + "empty step name");
      }
      double seconds;
      try {
        seconds = Double.parseDouble(line.substring(tab + 1).strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + "seconds is not a number", e);
      }
      if (!Double.isFinite(seconds) || seconds < 0) {
        throw new IllegalArgumentException(where + "seconds must be a finite number >= 0");
      }
      timings.add(new Timing(name, seconds));
    }
    return timings;
  }
}
