package io.cinestream.generator.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinestream.events.PreferredLanguage;
import io.cinestream.generator.model.User;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AgendaTest {

  private static UserAgent agent(int index, long at) {
    return new UserAgent(
        new User(index % 1_000_000 + 1, 30, "****@a.com", PreferredLanguage.eng), index, at);
  }

  @Test
  void ordersByTimeThenIndexAsAPriorityQueueWithTheSameKeyDoes() {
    SplittableRandom r = new SplittableRandom(3);
    int n = 2_000;
    // Times from a small range, so that many agents share a time and the index decides.
    long[] times = new long[n];
    for (int i = 0; i < n; i++) {
      times[i] = r.nextLong(500);
    }
    // Reference: the JDK's heap, on plain (time, index) pairs rather than on the agents.
    PriorityQueue<long[]> reference =
        new PriorityQueue<>(
            Comparator.<long[]>comparingLong(k -> k[0]).thenComparingLong(k -> k[1]));
    Agenda agenda = new Agenda(4, 0); // grows
    for (int i = 0; i < n; i++) {
      agenda.add(agent(i, times[i]));
      reference.add(new long[] {times[i], i});
    }
    List<String> got = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    // Step like the simulation: the first agent moves forward or leaves.
    while (!reference.isEmpty()) {
      long[] k = reference.poll();
      expected.add(k[0] + "/" + k[1]);
      UserAgent a = agenda.first();
      got.add(a.nextAt + "/" + a.index);
      long next = k[0] + 1 + r.nextLong(300);
      if (r.nextDouble() < 0.8 && next < 5_000) {
        a.nextAt = next;
        agenda.requeueFirst();
        reference.add(new long[] {next, k[1]});
      } else {
        agenda.removeFirst();
      }
    }
    assertThat(got).isEqualTo(expected);
    assertThat(agenda.size()).isZero();
    assertThat(agenda.first()).isNull();
  }

  @Test
  void forEachVisitsEveryAgentAndClearEmpties() {
    Agenda agenda = new Agenda(2, 0);
    for (int i = 0; i < 5; i++) {
      agenda.add(agent(i, 100 - i));
    }
    agenda.removeFirst(); // index 4, time 96
    Set<Integer> seen = new HashSet<>();
    agenda.forEach(a -> seen.add(a.index));

    assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(agenda.first().index).isEqualTo(3);
    agenda.clear();
    assertThat(agenda.size()).isZero();
    assertThat(agenda.first()).isNull();
  }

  @Test
  void timesAreRelativeToTheBaseAndKeysOutOfRangeAreRefused() {
    long base = 1_700_000_000_000L;
    Agenda agenda = new Agenda(4, base);
    agenda.add(agent(Agenda.MAX_INDEX, base + Agenda.MAX_OFFSET_MS));
    agenda.add(agent(7, base));
    agenda.add(agent(3, base + 1));

    assertThat(agenda.first().index).isEqualTo(7);
    assertThatThrownBy(() -> agenda.add(agent(1, base - 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("agent 1");
    assertThatThrownBy(() -> agenda.add(agent(Agenda.MAX_INDEX + 1, base)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside 0..1048575");
    agenda.removeFirst();
    assertThat(agenda.first().index).isEqualTo(3);
    agenda.removeFirst();
    assertThat(agenda.first().index).isEqualTo(Agenda.MAX_INDEX);
    assertThat(agenda.size()).isEqualTo(1);
  }
}
