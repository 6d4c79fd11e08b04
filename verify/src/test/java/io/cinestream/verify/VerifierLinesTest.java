package io.cinestream.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The text of {@link Verifier.Comparison#lines}: every key judged, a missing key a difference. */
class VerifierLinesTest {

  @Test
  void countsAKeyOnlySparkHasAsMissingForTheOthersAndFailsTheVerdict() {
    Verifier.MetricReport sessions =
        new Verifier.MetricReport(
            "session_metrics",
            List.of("flink", "spark", "reference"),
            List.of(),
            301,
            300,
            0,
            new TreeMap<>(Map.of("flink", 1, "spark", 0, "reference", 1)),
            List.of(
                "session_metrics 2024-01-01T12:18:00Z: spark=(active_sessions_count=0)"
                    + " flink=MISSING reference=MISSING"));

    Verifier.Comparison comparison = new Verifier.Comparison(List.of(sessions));
    List<String> lines = comparison.lines(10);

    assertThat(comparison.verdict()).isEqualTo(Verifier.Verdict.DIFFERENCES);
    assertThat(lines)
        .contains(
            "  session_metrics 2024-01-01T12:18:00Z: spark=(active_sessions_count=0)"
                + " flink=MISSING reference=MISSING",
            "RESULT: DIFFERENCES")
        .noneMatch(l -> l.contains("not judged"));
  }

  @Test
  void isOkOnlyWhenEveryKeyIsEqualOnEveryEngineThatRan() {
    Verifier.MetricReport sessions =
        new Verifier.MetricReport(
            "session_metrics",
            List.of("flink", "reference"),
            List.of("spark"),
            300,
            300,
            0,
            new TreeMap<>(Map.of("flink", 0, "reference", 0)),
            List.of());

    Verifier.Comparison comparison = new Verifier.Comparison(List.of(sessions));

    assertThat(comparison.verdict()).isEqualTo(Verifier.Verdict.OK);
    assertThat(comparison.lines(10))
        .containsExactly(
            "session_metrics: compared=300 equal=300 different=0 missing={flink=0, reference=0}"
                + " run=[flink, reference] not run=[spark]",
            "RESULT: OK");
  }
}
