package io.cinestream.spark.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MetricsOptionsTest {

  private static final String[] ENDPOINTS = {
    "--bootstrap", "127.0.0.1:9092", "--registry", "http://127.0.0.1:8081", "--jdbc-url", "jdbc:x"
  };

  private static MetricsOptions parse(String... more) {
    String[] args = new String[ENDPOINTS.length + more.length];
    System.arraycopy(ENDPOINTS, 0, args, 0, ENDPOINTS.length);
    System.arraycopy(more, 0, args, ENDPOINTS.length, more.length);
    return MetricsOptions.parse(args);
  }

  @Test
  void maxEventTimeAheadDefaultsToTheFlinkJobsTwoMinutesAndTakesAnIsoDuration() {
    assertThat(parse().maxEventTimeAhead()).isEqualTo(Duration.ofMinutes(2));
    assertThat(parse("--max-event-time-ahead", "PT1H").maxEventTimeAhead())
        .isEqualTo(Duration.ofHours(1));
    assertThat(parse("--max-event-time-ahead", "PT0S").maxEventTimeAhead()).isZero();
  }

  @Test
  void aNegativeOrMalformedMaxEventTimeAheadIsRefused() {
    assertThatThrownBy(() -> parse("--max-event-time-ahead", "-PT1M"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--max-event-time-ahead must be >= 0, got PT-1M");
    assertThatThrownBy(() -> parse("--max-event-time-ahead", "2 min"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--max-event-time-ahead");
  }
}
