package io.cinestream.verify.report;

import io.cinestream.schemas.warehouse.Engine;
import io.cinestream.schemas.warehouse.WindowType;
import io.cinestream.verify.report.ReportData.DaySales;
import io.cinestream.verify.report.ReportData.MovieSales;
import io.cinestream.verify.report.ReportData.SessionTick;
import io.cinestream.verify.report.ReportData.WindowCount;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.SimpleDateFormat;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws the report's charts as PNG with JFreeChart: one series per engine present, overlaid, in
 * fixed colours (flink orange, spark blue, reference a dashed dark line on top, so that agreeing
 * engines show as one line with a dashed core). Times on the axes are UTC.
 */
public final class ReportCharts {

  /** Width of every chart, in pixels. */
  public static final int WIDTH = 960;

  /** Height of the time-series and daily charts, in pixels. */
  public static final int HEIGHT = 380;

  /** Height of the top-movies chart, in pixels. */
  public static final int TOP_MOVIES_HEIGHT = 620;

  private static final TimeZone UTC = TimeZone.getTimeZone("UTC");
  private static final Map<String, Color> ENGINE_COLOURS =
      Map.of(
          Engine.FLINK.sqlName(), new Color(0xE6, 0x55, 0x0D),
          Engine.SPARK.sqlName(), new Color(0x31, 0x82, 0xBD),
          Engine.REFERENCE.sqlName(), new Color(0x25, 0x25, 0x25));
  private static final int TITLE_CHARS = 42;

  /**
   * One chart.
   *
   * @param file its file name beside index.html, e.g. {@code active_sessions.png}
   * @param title its title (also the image's alt text)
   * @param width width in pixels
   * @param height height in pixels
   * @param png the PNG bytes
   */
  public record Chart(String file, String title, int width, int height, byte[] png) {}

  private ReportCharts() {}

  /**
   * Draws all charts of a report.
   *
   * @param data the report's data
   * @return in page order: registrations per tumbling and per sliding window, active sessions,
   *     average session duration, top movies, daily sales
   */
  public static List<Chart> render(ReportData data) {
    return List.of(
        timeChart(
            "registrations_tumbling_1h.png",
            "Registrations per hour (tumbling 1 h windows)",
            "registrations (distinct users)",
            data.registrations().get(WindowType.TUMBLING_1H.sqlName()),
            WindowCount::windowStart,
            w -> w.registrationCount()),
        timeChart(
            "registrations_sliding_1h_15m.png",
            "Registrations per sliding 1 h window (every 15 min)",
            "registrations (distinct users)",
            data.registrations().get(WindowType.SLIDING_1H_15M.sqlName()),
            WindowCount::windowStart,
            w -> w.registrationCount()),
        timeChart(
            "active_sessions.png",
            "Active sessions (per minute tick)",
            "open sessions",
            data.sessions(),
            SessionTick::timestamp,
            t -> t.activeSessions()),
        timeChart(
            "session_duration.png",
            "Average session duration (sessions closed in the past hour)",
            "minutes",
            data.sessions(),
            SessionTick::timestamp,
            t ->
                t.averageSessionDurationS() == null
                    ? Double.NaN
                    : t.averageSessionDurationS() / 60.0),
        topMovies(data),
        dailySales(data));
  }

  private static <T> Chart timeChart(
      String file,
      String title,
      String valueLabel,
      Map<String, List<T>> byEngine,
      Function<T, Instant> time,
      ToDoubleFunction<T> value) {
    XYSeriesCollection dataset = new XYSeriesCollection();
    byEngine.forEach(
        (engine, points) -> {
          XYSeries series = new XYSeries(engine, false, true);
          for (T p : points) {
            double v = value.applyAsDouble(p);
            // A null y leaves a gap (no session closed in that hour).
            series.add(time.apply(p).toEpochMilli(), Double.isNaN(v) ? null : v);
          }
          dataset.addSeries(series);
        });
    JFreeChart chart =
        ChartFactory.createTimeSeriesChart(title, "event time (UTC)", valueLabel, dataset);
    XYPlot plot = chart.getXYPlot();
    DateAxis axis = (DateAxis) plot.getDomainAxis();
    axis.setTimeZone(UTC);
    SimpleDateFormat format = new SimpleDateFormat("MM-dd HH:mm", Locale.ROOT);
    format.setTimeZone(UTC);
    axis.setDateFormatOverride(format);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < dataset.getSeriesCount(); i++) {
      String engine = (String) dataset.getSeriesKey(i);
      renderer.setSeriesPaint(i, colour(engine));
      renderer.setSeriesStroke(i, stroke(engine));
    }
    plot.setRenderer(renderer);
    // Series in engine order, the reference's dashed line last, on top of the engines' lines.
    plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);
    style(chart);
    plot.setNoDataMessage("no rows");
    return chart(file, title, chart, HEIGHT);
  }

  private static Chart topMovies(ReportData data) {
    String title =
        "Top "
            + ReportReader.TOP_MOVIES
            + " movies by sales (cumulative, USD"
            + (data.topMovies().rankedBy() == null
                ? ")"
                : ", ranked by " + data.topMovies().rankedBy() + ")");
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    for (MovieSales movie : data.topMovies().movies()) {
      String label = movie.rank() + ". " + shorten(movie.title());
      movie.totalSales().forEach((engine, total) -> dataset.addValue(total, engine, label));
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            title,
            null,
            "total sales (USD)",
            dataset,
            PlotOrientation.HORIZONTAL,
            true,
            false,
            false);
    CategoryPlot plot = chart.getCategoryPlot();
    CategoryAxis axis = plot.getDomainAxis();
    axis.setMaximumCategoryLabelWidthRatio(0.45f);
    axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    barColours(plot, dataset);
    style(chart);
    plot.setNoDataMessage("no sales");
    return chart("top_movies.png", title, chart, TOP_MOVIES_HEIGHT);
  }

  private static Chart dailySales(ReportData data) {
    String title = "Sales per UTC day (all movies, USD)";
    DefaultCategoryDataset dataset = new DefaultCategoryDataset();
    data.dailySales()
        .forEach(
            (engine, days) -> {
              for (DaySales day : days) {
                dataset.addValue(day.totalSales(), engine, day.day().toString());
              }
            });
    JFreeChart chart =
        ChartFactory.createBarChart(
            title,
            "day (UTC)",
            "total sales (USD)",
            dataset,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    CategoryPlot plot = chart.getCategoryPlot();
    barColours(plot, dataset);
    style(chart);
    plot.setNoDataMessage("no sales");
    return chart("daily_sales.png", title, chart, HEIGHT);
  }

  private static void barColours(CategoryPlot plot, DefaultCategoryDataset dataset) {
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(0.05);
    for (int i = 0; i < dataset.getRowCount(); i++) {
      renderer.setSeriesPaint(i, colour((String) dataset.getRowKey(i)));
    }
  }

  private static void style(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    Paint grid = new Color(0xDD, 0xDD, 0xDD);
    if (chart.getPlot() instanceof XYPlot xy) {
      xy.setBackgroundPaint(Color.WHITE);
      xy.setDomainGridlinePaint(grid);
      xy.setRangeGridlinePaint(grid);
    } else if (chart.getPlot() instanceof CategoryPlot cat) {
      cat.setBackgroundPaint(Color.WHITE);
      cat.setRangeGridlinePaint(grid);
    }
  }

  private static Color colour(String engine) {
    return ENGINE_COLOURS.getOrDefault(engine, Color.GRAY);
  }

  private static BasicStroke stroke(String engine) {
    if (Engine.REFERENCE.sqlName().equals(engine)) {
      return new BasicStroke(
          1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f);
    }
    return new BasicStroke(Engine.FLINK.sqlName().equals(engine) ? 4f : 2.5f);
  }

  private static String shorten(String title) {
    String t = title.strip();
    return t.length() <= TITLE_CHARS ? t : t.substring(0, TITLE_CHARS - 1) + "…";
  }

  private static Chart chart(String file, String title, JFreeChart chart, int height) {
    BufferedImage image = chart.createBufferedImage(WIDTH, height);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ChartUtils.writeBufferedImageAsPNG(png, image);
    } catch (IOException e) {
      // Writing to memory: only an encoder failure can land here.
      throw new UncheckedIOException("PNG encoding of " + file + " failed", e);
    }
    return new Chart(file, title, WIDTH, height, png.toByteArray());
  }
}
