package io.cinestream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.generator.sim.Behaviour;
import io.cinestream.schemas.Topic;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryTest {

  @Test
  void rendersCountsTotalsAndRatesComputedByHand() {
    Summary s = new Summary();
    s.countEvent(Topic.SIGN_IN, false, 60);
    s.countEvent(Topic.SIGN_IN, false, 60);
    s.countEvent(Topic.SIGN_IN, true, 60);
    s.countMalformed(Topic.ITEM_VIEW, 20);
    // 4 records, 200 bytes, in 2 s.
    s.finish(2_000_000_000L, 0, null);

    assertThat(s.toMarkdown())
        .isEqualTo(
            """
            | topic | events | duplicates | malformed | records | bytes |
            |---|---:|---:|---:|---:|---:|
            | consumer_registration | 0 | 0 | 0 | 0 | 0 |
            | sign_in | 2 | 1 | 0 | 3 | 180 |
            | sign_out | 0 | 0 | 0 | 0 | 0 |
            | item_view | 0 | 0 | 1 | 1 | 20 |
            | added_to_cart | 0 | 0 | 0 | 0 | 0 |
            | checkout_to_cart | 0 | 0 | 0 | 0 | 0 |
            | item_rating | 0 | 0 | 0 | 0 | 0 |
            | **total** | 2 | 1 | 1 | 4 | 200 |

            4 records in 2.000 s: 2 records/s, 0.00 MiB/s, 50.0 bytes/record (key + value), 0 failed
            """);
  }

  @Test
  void cpuLineGivesEachThreadAndTheRestPerRecord() {
    // 1,000 records: 2 ms simulating, 0.25 ms set-up, 1 ms sending, 0.5 ms network, 5 ms process
    // -> 1.25 ms rest; 3 ms of JIT and 1 ms of GC pauses.
    CpuSplit split =
        new CpuSplit(
            2_000_000,
            250_000,
            1_000_000,
            Map.of("kafka-producer-network-thread | g", 500_000L),
            5_000_000,
            3,
            1);

    assertThat(split.perRecordLine(1_000))
        .isEqualTo(
            "CPU µs per record: simulating thread 2.00, set-up on that thread 0.25, sending thread"
                + " 1.00, kafka-producer-network-thread | g 0.50, rest of the JVM (GC, JIT,"
                + " start-up) 1.25, process 5.00; JIT compilation 3.00 (wall); GC pauses 1.00"
                + " (wall)");
    assertThat(new CpuSplit(3_000, -1, -1, Map.of(), -1, -1, 0).perRecordLine(2))
        .isEqualTo("CPU µs per record: simulating thread 1.50; GC pauses 0.00 (wall)");
  }

  @Test
  void aRunMeasuresItsThreads() throws Exception {
    Summary s =
        Fixtures.run(200, Fixtures.DAY_MS, 1, Behaviour.defaults(), DeliveryOptions.clean())
            .summary();

    assertThat(s.cpu().simulatingNanos()).isPositive();
    assertThat(s.cpu().sendingNanos()).isPositive();
    assertThat(s.cpu().processNanos()).isGreaterThan(s.cpu().simulatingNanos());
    assertThat(s.toMarkdown()).contains("CPU µs per record: simulating thread ");
  }

  @Test
  void jsonHoldsTheSameCountsAsTheTable() {
    Summary s = new Summary();
    s.countEvent(Topic.SIGN_IN, false, 60);
    s.countEvent(Topic.SIGN_IN, false, 60);
    s.countEvent(Topic.SIGN_IN, true, 60);
    s.countMalformed(Topic.ITEM_VIEW, 20);
    s.finish(2_000_000_000L, 0, null);

    String zero = "{\"events\":0,\"duplicates\":0,\"malformed\":0,\"records\":0,\"bytes\":0}";
    assertThat(s.toJson())
        .isEqualTo(
            "{\"topics\":{\"consumer_registration\":"
                + zero
                + ",\"sign_in\":{\"events\":2,\"duplicates\":1,\"malformed\":0,\"records\":3,\"bytes\":180}"
                + ",\"sign_out\":"
                + zero
                + ",\"item_view\":{\"events\":0,\"duplicates\":0,\"malformed\":1,\"records\":1,\"bytes\":20}"
                + ",\"added_to_cart\":"
                + zero
                + ",\"checkout_to_cart\":"
                + zero
                + ",\"item_rating\":"
                + zero
                + "},\"total\":{\"events\":2,\"duplicates\":1,\"malformed\":1,\"records\":4,\"bytes\":200}"
                + ",\"failures\":0,\"elapsed_ms\":2000}");
  }
}
