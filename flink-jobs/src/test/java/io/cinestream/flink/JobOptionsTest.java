package io.cinestream.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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
}
