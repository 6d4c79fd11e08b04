package io.cinestream.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
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
 * devstack's log4j2.xml with {@code -Dcinestream.logFile} (what {@code ./pipeline up} passes a
 * service): a rolling file capped at {@code cinestream.logMaxSize}, at most {@code
 * cinestream.logMaxFiles} rolled files; nothing on stdout. Run in a child JVM, since the logging
 * configuration is read once per JVM.
 */
class LogRotationTest {

  /** Logs {@code args[0]} lines of 100 characters, then exits. */
  public static void main(String[] args) {
    Logger log = LoggerFactory.getLogger("io.cinestream.devstack.LogRotationTest");
    for (int i = 0; i < Integer.parseInt(args[0]); i++) {
      log.info("line {} {}", String.format("%05d", i), "x".repeat(80));
    }
  }

  @Test
  void aServiceLogRollsAtTheSizeCapAndKeepsAtMostTheConfiguredFiles(@TempDir Path logs)
      throws Exception {
    Path log = logs.resolve("kafka.log");
    Path stdout = logs.resolve("kafka.out");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlog4j2.configurationFile=log4j2.xml",
                "-Dcinestream.logFile=" + log,
                "-Dcinestream.logMaxSize=10KB",
                "-Dcinestream.logMaxFiles=3",
                "-cp",
                System.getProperty("java.class.path"),
                LogRotationTest.class.getName(),
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
    // 2000 lines of ~170 bytes = ~340 KB through a 10 KB cap: the current file and 3 rolled ones.
    assertThat(files)
        .containsExactly("kafka.log", "kafka.log.1", "kafka.log.2", "kafka.log.3", "kafka.out");
    for (String name : files.subList(0, 4)) {
      // A file rolls on the first event past the cap: at most one line over 10 KB.
      assertThat(logs.resolve(name).toFile().length()).as(name).isLessThan(10 * 1024 + 400);
    }
    // The newest lines are in kafka.log, the ones before in .1 (fileIndex=min): nothing lost
    // between them.
    String current = Files.readString(log);
    String previous = Files.readString(logs.resolve("kafka.log.1"));
    assertThat(current).contains("line 01999 ");
    int firstCurrent = lineNumber(current.lines().findFirst().orElseThrow());
    List<String> previousLines = previous.lines().toList();
    assertThat(lineNumber(previousLines.get(previousLines.size() - 1))).isEqualTo(firstCurrent - 1);
    assertThat(Files.readString(stdout)).doesNotContain("line 0");
    assertThat(new File(log + ".4")).doesNotExist();
  }

  private static int lineNumber(String logLine) {
    int at = logLine.indexOf(" - line ") + " - line ".length();
    return Integer.parseInt(logLine.substring(at, at + 5));
  }
}
