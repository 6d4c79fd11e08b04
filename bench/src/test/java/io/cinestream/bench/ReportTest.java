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
            "| job | engine | events | events/s | vs ceiling | window-to-sink p50 / p99 ms"
                + " | emit-to-sink p99 ms | CPU-s per M events | peak RSS MiB |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|\n"
                + "| registration | ceiling | 100000 | 400000 | 100 % | - | - | 5.0 | 0 |\n"
                + "| registration | flink | 100000 | 125000 | 31 % | 120 / 870 (3 of 120 rows at 0) | 45 | 12.6 | 612 |\n"
                + "| registration | spark | failed: exit 1 / see log | | | | | | |\n");
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
