package io.cinestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

  private static Report report() {
    return new Report(
        "2026-01-02T03:04:05Z",
        "box",
        2,
        1.5,
        1_000_000,
        42,
        2,
        0.1,
        1,
        "./pipeline bench --events 1000000",
        List.of(
            // 100,000 records in 0.25 s = 400,000/s; 0.5 CPU-s -> 5.0 CPU-s per M
            new BenchResult(
                "registration",
                "ceiling",
                100_000,
                0.25,
                400_000,
                1.0,
                null,
                null,
                0,
                0,
                0,
                0.5,
                5.0,
                0,
                null,
                null,
                null),
            // 100,000 in 0.8 s = 125,000/s = 31.25 % of the ceiling -> "31 %"
            new BenchResult(
                "registration",
                "flink",
                100_000,
                0.8,
                125_000,
                0.3125,
                new LatencySummary(108, 120, 870, 990, 990),
                new LatencySummary(108, 10, 45, 50, 50),
                120,
                0,
                3,
                1.26,
                12.6,
                612.4,
                4096L,
                "sources reading 0.6 s",
                null),
            BenchResult.failed("registration", "spark", "exit 1 | see log")));
  }

  @Test
  void tableHasOneRowPerJobAndEngineWithHandComputedFigures() {
    assertThat(report().markdownTable())
        .isEqualTo(
            Report.TABLE_HEADER
                + "| registration | ceiling | 100000 | 400000 | 100 % | - | - | - | 5.0 | - | - | 0 |  |\n"
                + "| registration | flink | 100000 | 125000 | 31 % | - | - | - | 12.6 | - | 120 / 870 (3 of 120 rows at 0) | 612 |  |\n"
                + "| registration | spark | failed: exit 1 / see log | | | | | | | | | | |\n");
  }

  @Test
  void steadyStateRowsShowMediansSpreadsStartUpCheckpointsParityAndNotApplicable() {
    BenchResult.Steady ceiling =
        new BenchResult.Steady(
            new Spread(400_000, 380_000, 420_000, 3),
            null,
            null,
            0.25,
            0,
            new Spread(5.0, 4.0, 6.0, 3),
            0,
            0,
            null);
    BenchResult.Steady sql =
        new BenchResult.Steady(
            new Spread(125_000, 120_000, 130_000, 3),
            new Spread(2.0, 1.5, 2.5, 3),
            new Spread(100_000, 90_000, 110_000, 3),
            40.0,
            20.0,
            new Spread(12.6, 12.0, 13.1, 3),
            4,
            512,
            "= flink (85 rows)");
    BenchResult.Steady spark =
        new BenchResult.Steady(
            new Spread(50_000, 50_000, 50_000, 1),
            new Spread(10.0, 10.0, 10.0, 1),
            new Spread(20_000, 20_000, 20_000, 1),
            80.0,
            8.0,
            new Spread(30.0, 30.0, 30.0, 1),
            20,
            1_500,
            null);
    Report r =
        new Report(
            "2026-12-04T20:00:00Z",
            "vm",
            2,
            1.5,
            1_000_000,
            42,
            2,
            0.1,
            0,
            "c",
            List.of(
                row("registration", "ceiling", 400_000, 1.0, null, ceiling),
                // 125,000 / 400,000 = 31.25 % -> "31 %"
                row("registration", "flink_sql", 125_000, 0.3125, null, sql),
                // 50,000 / 400,000 = 12.5 % -> "13 %" (HALF_UP)
                row("registration", "spark", 50_000, 0.125, null, spark),
                BenchResult.notApplicable("sessions", "flink_sql", "no Flink SQL peer job")),
            "Method.");
    assertThat(r.markdownTable())
        .isEqualTo(
            Report.TABLE_HEADER
                + "| registration | ceiling | 100000 | 400000 (380000-420000) | 100 % | 0.3 | - | - | 5.0 (4.0-6.0) | - | - | 612 |  |\n"
                + "| registration | flink_sql | 100000 | 125000 (120000-130000) | 31 % | 40.0 (20x) | 2.0 (1.5-2.5) | 100000 (90000-110000) | 12.6 (12.0-13.1) | 4 / 512 | - | 612 | Flink SQL rows = flink (85 rows) |\n"
                + "| registration | spark | 100000 | 50000 | 13 % | 80.0 (8.00x) | 10.0 | 20000 | 30.0 | 20 / 1500 | - | 612 | span under 20x start-up |\n"
                + "| sessions | flink_sql | n/a | n/a | | | | | | | | | no Flink SQL peer job |\n");
    assertThat(r.markdown()).contains("Method.\n\n" + Report.TABLE_HEADER);
  }

  private static BenchResult row(
      String job,
      String engine,
      double rate,
      double ratio,
      LatencySummary w2s,
      BenchResult.Steady steady) {
    return new BenchResult(
        job, engine, 100_000, 1, rate, ratio, w2s, null, 0, 0, 0, 1, 1, 612.4, null, null, null,
        steady);
  }

  @Test
  void markdownListsWhereTheTimeWentForRunsThatSayIt() {
    assertThat(report().markdown())
        .contains("Where the time went:\n\n- registration on flink: sources reading 0.6 s\n\n")
        .contains("1 unmeasured warm-up run(s) of each job on each engine")
        .doesNotContain("registration on ceiling:");
  }

  @Test
  void writesJsonAndAPngChart(@TempDir Path dir) throws Exception {
    Report r = report();
    r.writeJson(dir.resolve("r.json"));
    r.writeChart(dir.resolve("r.png"));
    String json = Files.readString(dir.resolve("r.json"));
    assertThat(json).contains("\"eventsPerSecond\" : 125000.0").contains("\"p99Ms\" : 870");
    byte[] png = Files.readAllBytes(dir.resolve("r.png"));
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    BufferedImage image = ImageIO.read(dir.resolve("r.png").toFile());
    assertThat(image.getWidth()).isEqualTo(900);
    assertThat(image.getHeight()).isEqualTo(500);
  }
}
