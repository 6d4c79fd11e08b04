package io.cinestream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GeneratorCliTest {

  @Test
  void defaultsSuitAPipelineRunDay() {
    GeneratorCli cli = new GeneratorCli();
    new CommandLine(cli).parseArgs();

    assertThat(cli.users).isEqualTo(20_000);
    assertThat(cli.hours).isEqualTo(24.0);
    assertThat(cli.seed).isEqualTo(42L);
    assertThat(cli.maxDelay).isEqualTo(Duration.ofSeconds(30));
    assertThat(cli.realtime).isFalse();
    assertThat(cli.start).isNull(); // 2026-01-05T00:00:00Z applied in run()
  }

  @Test
  void durationsAcceptShortAndIsoForms() {
    DurationConverter c = new DurationConverter();
    assertThat(c.convert("0")).isEqualTo(Duration.ZERO);
    assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.convert("PT1H30M")).isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void contradictoryOrOutOfRangeArgumentsExitWithCodeTwo() {
    assertThat(exit("--realtime", "--start", "2026-01-05T00:00:00Z")).isEqualTo(2);
    assertThat(exit("--users", "1000001")).isEqualTo(2);
    assertThat(exit("--duplicate-rate", "1.5")).isEqualTo(2);
    assertThat(exit("--max-delay", "soon")).isEqualTo(2);
    assertThat(exit("--log-every", "0")).isEqualTo(2);
  }

  @Test
  void anEmptyCatalogueFileExitsWithCodeOne() throws Exception {
    java.nio.file.Path empty = java.nio.file.Files.createTempFile("empty", ".tsv");
    try {
      assertThat(exit("--catalog-file", empty.toString(), "--no-progress")).isEqualTo(1);
    } finally {
      java.nio.file.Files.delete(empty);
    }
  }

  private static int exit(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CommandLine cmd =
        GeneratorCli.commandLine(
            new GeneratorCli(new PrintStream(out, true, StandardCharsets.UTF_8)));
    cmd.setErr(new PrintWriter(new StringWriter()));
    return cmd.execute(args);
  }
}
