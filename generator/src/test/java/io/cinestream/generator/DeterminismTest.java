package io.cinestream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.generator.sim.Behaviour;
import io.cinestream.generator.sink.SentRecord;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DeterminismTest {

  private static final DeliveryOptions KNOBS =
      new DeliveryOptions(60_000, 0.02, 0.01, Long.MAX_VALUE);

  @Test
  void sameSeedAndArgumentsGiveTheSameRecordsInTheSameOrder() {
    List<SentRecord> a =
        Fixtures.run(2_000, Fixtures.DAY_MS, 7, Behaviour.defaults(), KNOBS).sink().records();
    List<SentRecord> b =
        Fixtures.run(2_000, Fixtures.DAY_MS, 7, Behaviour.defaults(), KNOBS).sink().records();

    assertThat(a).hasSizeGreaterThan(10_000).hasSameSizeAs(b);
    for (int i = 0; i < a.size(); i++) {
      assertThat(b.get(i).topic()).isEqualTo(a.get(i).topic());
      assertThat(b.get(i).key()).isEqualTo(a.get(i).key());
      assertThat(b.get(i).value()).as("record %d", i).isEqualTo(a.get(i).value());
    }
  }

  @Test
  void anotherSeedGivesOtherEvents() {
    List<SentRecord> a =
        Fixtures.run(200, Fixtures.DAY_MS, 7, Behaviour.defaults(), KNOBS).sink().records();
    List<SentRecord> b =
        Fixtures.run(200, Fixtures.DAY_MS, 8, Behaviour.defaults(), KNOBS).sink().records();

    assertThat(b.get(0).value()).isNotEqualTo(a.get(0).value());
  }

  @Test
  void deliveryKnobsLeaveTheDistinctEventsUnchanged() {
    List<SentRecord> clean =
        Fixtures.run(1_000, Fixtures.DAY_MS, 3, Behaviour.defaults(), DeliveryOptions.clean())
            .sink()
            .records();
    List<SentRecord> noisy =
        Fixtures.run(1_000, Fixtures.DAY_MS, 3, Behaviour.defaults(), KNOBS).sink().records();

    var cleanEvents = clean.stream().map(SentRecord::event).toList();
    var noisyDistinct =
        noisy.stream().filter(r -> !r.isRaw()).map(SentRecord::event).collect(Collectors.toSet());
    // Sets compare by hash, not by AssertJ's quadratic any-order matching.
    assertThat(noisyDistinct.equals(Set.copyOf(cleanEvents))).isTrue();
    assertThat(noisyDistinct).hasSameSizeAs(cleanEvents);
    assertThat(noisy.size()).isGreaterThan(clean.size());
  }
}
