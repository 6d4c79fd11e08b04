package io.cinestream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProcStatsTest {

  // A real-shaped stat line whose command contains spaces and a ')' (fields 14/15 = 250/75).
  private static final String STAT =
      "1234 (java (x) y) S 1 1234 1234 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 40 0 555 123 45";

  private static final String STATUS =
      "Name:\tjava\nState:\tS (sleeping)\nVmPeak:\t 3000000 kB\nVmHWM:\t  812344 kB\n"
          + "VmRSS:\t  700001 kB\nThreads:\t40\n";

  @Test
  void cpuTicksAreUtimePlusStimeCountedFromTheLastParenthesis() {
    assertThat(ProcStats.cpuTicks(STAT)).isEqualTo(325);
    assertThat(ProcStats.parentPid(STAT)).isEqualTo(1);
  }

  @Test
  void statusValuesAreReadInKib() {
    assertThat(ProcStats.statusKb(STATUS, "VmHWM")).contains(812344L);
    assertThat(ProcStats.statusKb(STATUS, "VmRSS")).contains(700001L);
    assertThat(ProcStats.statusKb(STATUS, "VmSwap")).isEmpty();
  }

  @Test
  void rejectsATruncatedStatLine() {
    assertThatThrownBy(() -> ProcStats.cpuTicks("1 (init) S 0 1 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("need >= 15");
  }

  @Test
  void readsThisProcessAndFindsItInItsOwnTree() {
    long self = ProcessHandle.current().pid();
    assertThat(ProcStats.read(self)).isPresent();
    assertThat(ProcStats.read(self).orElseThrow().rssKb()).isPositive();
    assertThat(ProcStats.processTree(self)).startsWith(self);
  }
}
