package io.cinestream.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinestream.generator.clock.SimulatedClock;
import io.cinestream.generator.event.SignOutEvent;
import io.cinestream.generator.event.SimEvent;
import io.cinestream.generator.sim.Behaviour;
import io.cinestream.generator.sim.RandomStreams;
import io.cinestream.generator.sim.Simulation;
import io.cinestream.generator.sink.EventSink;
import io.cinestream.generator.sink.InMemoryEventSink;
import io.cinestream.generator.sink.SentRecord;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.serde.RegistryException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeliveryTest {

  @Test
  void withoutMaxDelayRecordsGoOutInEventTimeOrder() {
    List<SentRecord> records =
        Fixtures.run(1_000, Fixtures.DAY_MS, 1, Behaviour.defaults(), DeliveryOptions.clean())
            .sink()
            .records();

    for (int i = 1; i < records.size(); i++) {
      assertThat(records.get(i).event().timestampMs())
          .isGreaterThanOrEqualTo(records.get(i - 1).event().timestampMs());
    }
  }

  @Test
  void maxEventsStopsAfterThatManyDistinctEvents() {
    Fixtures.Run run =
        Fixtures.run(
            1_000,
            Fixtures.DAY_MS,
            1,
            Behaviour.defaults(),
            new DeliveryOptions(30_000, 0.1, 0, 2_500));

    assertThat(run.summary().total().events()).isEqualTo(2_500);
    assertThat(run.sink().records().stream().map(SentRecord::event).distinct()).hasSize(2_500);
  }

  @Test
  void noEventFallsOutsideTheWindow() {
    long window = 3_600_000L;
    Fixtures.Run run = Fixtures.run(500, window, 5, Behaviour.defaults(), DeliveryOptions.clean());

    assertThat(run.sink().records())
        .allSatisfy(
            r ->
                assertThat(r.event().timestampMs())
                    .isBetween(Fixtures.START_MS, Fixtures.START_MS + window - 1));
    assertThat(run.summary().perTopic().get(Topic.CONSUMER_REGISTRATION).events()).isEqualTo(500);
  }

  @Test
  void orphanSignOutsAppearOnlyWhenAskedAndAreCounted() {
    Fixtures.Run run =
        Fixtures.run(
            3_000,
            Fixtures.DAY_MS,
            9,
            Behaviour.defaults().withOrphanSignOutRate(0.5),
            DeliveryOptions.clean());

    // Replay sessions per user in send order (in order: max-delay 0).
    Map<Integer, Boolean> open = new HashMap<>();
    long orphans = 0;
    for (SentRecord r : run.sink().records()) {
      SimEvent e = r.event();
      if (r.topic() == Topic.SIGN_IN) {
        open.put(e.userId(), true);
      } else if (e instanceof SignOutEvent) {
        if (!open.getOrDefault(e.userId(), false)) {
          orphans++;
        }
        open.put(e.userId(), false);
      }
    }
    assertThat(orphans).isEqualTo(run.simulation().stats().orphanSignOuts()).isPositive();
  }

  @Test
  void sessionsWithoutSignOutFollowTheirRate() {
    Fixtures.Run none =
        Fixtures.run(
            2_000,
            Fixtures.DAY_MS,
            4,
            Behaviour.defaults().withNoSignOutRate(0),
            DeliveryOptions.clean());
    Fixtures.Run all =
        Fixtures.run(
            2_000,
            Fixtures.DAY_MS,
            4,
            Behaviour.defaults().withNoSignOutRate(1),
            DeliveryOptions.clean());

    assertThat(none.simulation().stats().sessionsWithoutSignOut()).isZero();
    assertThat(all.summary().perTopic().get(Topic.SIGN_OUT).events()).isZero();
    assertThat(all.simulation().stats().sessionsWithoutSignOut()).isPositive();
  }

  @Test
  void malformedRecordsFollowTheirEventOnTheSameTopicAndKey() {
    List<SentRecord> records =
        Fixtures.run(
                500,
                Fixtures.DAY_MS,
                2,
                Behaviour.defaults(),
                new DeliveryOptions(0, 0, 0.05, Long.MAX_VALUE))
            .sink()
            .records();

    Set<Integer> malformedPositions = new HashSet<>();
    for (int i = 0; i < records.size(); i++) {
      if (records.get(i).isRaw()) {
        malformedPositions.add(i);
        SentRecord before = records.get(i - 1);
        assertThat(before.isRaw()).isFalse();
        assertThat(records.get(i).topic()).isEqualTo(before.topic());
        assertThat(records.get(i).key()).isEqualTo(before.key());
      }
    }
    assertThat(malformedPositions).isNotEmpty();
  }

  @Test
  void aSinkFailureOnTheDeliveringThreadIsRaisedByRunAfterTheRecordsBeforeIt() {
    RegistryException refused = new RegistryException(409, "schema refused", null);
    InMemoryEventSink memory = new InMemoryEventSink();
    EventSink failing =
        new EventSink() {
          private int sent;

          @Override
          public byte[] encode(SimEvent event) {
            return memory.encode(event);
          }

          @Override
          public void sendEncoded(SimEvent event, byte[] value) {
            // On the sending thread: the failure must reach the caller of run.
            if (++sent == 1_000) {
              throw refused;
            }
            memory.sendEncoded(event, value);
          }

          @Override
          public void sendRaw(Topic topic, String key, byte[] value) {
            memory.sendRaw(topic, key, value);
          }

          @Override
          public void flush() {}

          @Override
          public long failures() {
            return 0;
          }

          @Override
          public void close() {}
        };
    RandomStreams streams = new RandomStreams(4);
    Simulation sim =
        new Simulation(
            Fixtures.smallCatalogue(),
            1_000,
            Fixtures.DAY_MS,
            new SimulatedClock(Fixtures.START_MS),
            Behaviour.defaults(),
            streams);
    Generator generator = new Generator(failing, DeliveryOptions.clean(), streams);

    assertThatThrownBy(() -> generator.run(sim, ProgressListener.NONE)).isSameAs(refused);
    assertThat(memory.records()).hasSize(999);
  }
}
