package io.cinestream.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text of {@link Verifier.Comparison#lines} for keys not judged by every engine that ran. */
class VerifierLinesTest {

  @Test
  void namesTheKeysComparedWithoutTheReferenceAndTheKeysOnlySparkClosed() {
    Verifier.MetricReport sessions =
        new Verifier.MetricReport(
            "session_metrics",
            List.of("flink", "spark", "reference"),
            List.of(),
            300,
            300,
            0,
            Map.of("flink", 0, "spark", 0, "reference", 0),
            Map.of("flink", 0, "spark", 0, "reference", 62),
            Map.of("flink and spark", 2),
            List.of());

    List<String> lines = new Verifier.Comparison(List.of(sessions)).lines(10);

    assertThat(lines)
        .contains(
            "  compared between flink and spark only: 2 key(s) (after the horizon of reference)",
            "RESULT: OK")
        .anyMatch(
            l ->
                l.startsWith("  not judged for reference: 62 key(s)")
                    && l.contains("hold no watermark tick"))
        .noneMatch(l -> l.startsWith("  not judged for flink"));
  }
}
