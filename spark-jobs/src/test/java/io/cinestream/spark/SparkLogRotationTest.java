package io.cinestream.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code conf/log4j2-rolling.properties} with the properties {@code ./pipeline} passes a streaming
 * Spark application it keeps in the background ({@code launch.with_rolling_log}): a rolling file
 * capped at {@code cinestream.logMaxSize}, at most {@code cinestream.logMaxFiles} rolled files,
 * nothing on stdout. Run in a child JVM, since the logging configuration is read once per JVM.
 */
class SparkLogRotationTest {

  /** Logs {@code args[0]} lines of 100 characters, then exits. */
  public static void main(String[] args) {
    Logger log = LoggerFactory.getLogger("io.cinestream.spark.load.RawEventLoader");
    for (int i = 0; i < Integer.parseInt(args[0]); i++) {
      log.info("line {} {}", String.format("%05d", i), "x".repeat(80));
    }
    // Spark's own loggers stay at WARN, as on the console.
    LoggerFactory.getLogger("org.apache.spark.SparkContext").info("not logged");
  }

  @Test
  void aStreamingApplicationsLogRollsAtTheCapAndKeepsAtMostTheConfiguredFiles(@TempDir Path logs)
      throws Exception {
    Path config = Path.of("conf", "log4j2-rolling.properties").toAbsolutePath();
    Path log = logs.resolve("raw-loader.log");
    Path stdout = logs.resolve("raw-loader.out");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlog4j2.configurationFile=file:" + config,
                "-Dcinestream.logFile=" + log,
                "-Dcinestream.logMaxSize=10KB",
                "-Dcinestream.logMaxFiles=3",
                "-cp",
                System.getProperty("java.class.path"),
                SparkLogRotationTest.class.getName(),
                "2000")
            .redirectErrorStream(true)
            .redirectOutput(stdout.toFile())
            .start();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isZero();

    List<String> files;
    try (Stream<Path> listed = Files.list(logs)) {
      files = listed.map(p -> p.getFileName().toString()).sorted().toList();
    }
    // 2000 lines of ~160 bytes through a 10 KB cap: the current file and 3 rolled ones.
    assertThat(files)
        .containsExactly(
            "raw-loader.log",
            "raw-loader.log.1",
            "raw-loader.log.2",
            "raw-loader.log.3",
            "raw-loader.out");
    for (String name : files.subList(0, 4)) {
      // A file rolls on the first event past the cap: at most one line over 10 KB.
      assertThat(logs.resolve(name).toFile().length()).as(name).isLessThan(10 * 1024 + 400);
    }
    String current = Files.readString(log);
    assertThat(current).contains("line 01999 ").doesNotContain("not logged");
    assertThat(Files.readString(stdout)).doesNotContain("line 0");
  }
}
