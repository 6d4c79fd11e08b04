package io.cinestream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.jupiter.api.Test;

class JobOptionsTest {

  @Test
  void readsABareFlagAsTrue() {
    JobOptions o = JobOptions.fromArgs(new String[] {"--bootstrap", "h:1", "--bounded"});

    assertThat(o.bounded()).isTrue();
    assertThat(o.bootstrap()).isEqualTo("h:1");
    assertThat(o.punctuatedWatermarks()).isFalse();
  }

  @Test
  void readsExplicitFlagValuesAndDefaults() {
    JobOptions o =
        JobOptions.fromArgs(
            new String[] {
              "--bounded", "false", "--punctuated-watermarks", "true", "--parallelism", "1"
            });

    assertThat(o.bounded()).isFalse();
    assertThat(o.punctuatedWatermarks()).isTrue();
    assertThat(o.parallelism()).isEqualTo(1);
    assertThat(o.maxOutOfOrderness()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void refusesAMisspeltOptionInsteadOfKeepingItsDefault() {
    assertThatThrownBy(() -> JobOptions.fromArgs(new String[] {"--paralellism", "4", "--bounded"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown option(s) [--paralellism]; the options are [")
        .hasMessageContaining("--parallelism");
  }

  @Test
  void refusesANonNumericParallelismNamingTheOption() {
    assertThatThrownBy(() -> JobOptions.fromArgs(new String[] {"--parallelism", "two"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--parallelism takes a whole number, got 'two'");
  }

  @Test
  void anUnboundedJobRestartsWithoutLimitABoundedOneGivesUpAfterThreeAttempts() {
    Configuration live = JobEnvironment.configuration(JobOptions.fromArgs(new String[0]));
    Configuration replay =
        JobEnvironment.configuration(JobOptions.fromArgs(new String[] {"--bounded"}));

    assertThat(live.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
    assertThat(live.contains(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS))
        .isFalse();
    assertThat(replay.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("fixed-delay");
    assertThat(replay.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS))
        .isEqualTo(3);
    assertThat(replay.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY))
        .isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void anExplicitRestartStrategyWinsOverTheRunModesDefault() {
    JobOptions o =
        JobOptions.fromArgs(
            new String[] {"--restart-strategy", "Fixed-Delay", "--restart-attempts", "7"});

    assertThat(JobEnvironment.configuration(o).get(RestartStrategyOptions.RESTART_STRATEGY))
        .isEqualTo("fixed-delay");
    assertThat(
            JobEnvironment.configuration(o)
                .get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS))
        .isEqualTo(7);
    assertThat(
            JobEnvironment.configuration(
                    JobOptions.fromArgs(new String[] {"--bounded", "--restart-strategy", "none"}))
                .get(RestartStrategyOptions.RESTART_STRATEGY))
        .isEqualTo("none");
  }

  @Test
  void refusesAnUnknownRestartStrategyNamingTheChoices() {
    assertThatThrownBy(() -> JobOptions.fromArgs(new String[] {"--restart-strategy", "forever"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--restart-strategy must be one of [exponential-delay, fixed-delay, none], got forever");
  }
}
