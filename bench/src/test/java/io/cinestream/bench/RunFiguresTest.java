package io.cinestream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cinestream.bench.SteadyState.Sample;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunFiguresTest {

  private static Engine.EngineRun run(long submitMs, long firstInputMs, long lastMs) {
    List<Sample> input =
        List.of(
            new Sample(firstInputMs, 10),
            new Sample(firstInputMs + 1_000, 100), // 10 % of 1,000
            new Sample(firstInputMs + 3_000, 500),
            new Sample(firstInputMs + 5_000, 900), // 90 %
            new Sample(firstInputMs + 6_000, 1000));
    // CPU: 1.5 CPU-s per wall second from submission
    List<Sample> cpu = List.of(new Sample(submitMs, 0), new Sample(submitMs + 20_000, 30.0));
    return new Engine.EngineRun(
        firstInputMs,
        lastMs,
        new WatermarkTimeline(),
        new ResourceSampler.Usage(30.0, 1024),
        null,
        null,
        Path.of("log"),
        submitMs,
        firstInputMs,
        input,
        cpu,
        2,
        340);
  }

  @Test
  void figuresOfOneRunByHand() {
    // submitted at 0, first record at 2 s, last at 10 s; window 3 s..7 s, 100 -> 900 records
    RunFigures f = RunFigures.of(run(0, 2_000, 10_000), 1000, 0.1, 0.9);
    assertThat(f.eventsPerSecond()).isEqualTo(200.0); // 800 records / 4 s
    assertThat(f.startupSeconds()).isEqualTo(2.0);
    assertThat(f.endToEndPerSecond()).isEqualTo(100.0); // 1,000 / 10 s
    assertThat(f.spanSeconds()).isEqualTo(4.0);
    // CPU at 3 s = 4.5, at 7 s = 10.5 -> 6 CPU-s for 800 records = 7,500 CPU-s per M
    assertThat(f.cpuSecondsPerMillion()).isCloseTo(7_500.0, within(1e-6));
    assertThat(f.checkpoints()).isEqualTo(2);
    assertThat(f.checkpointMs()).isEqualTo(340);
  }

  @Test
  void combineTakesMediansAndSpreads() {
    RunFigures a = new RunFigures(200, 2, 100, 4, 7_500, 2, 340);
    RunFigures b = new RunFigures(260, 1, 120, 5, 6_000, 3, 400);
    RunFigures c = new RunFigures(230, 4, 90, 6, 9_000, 2, 300);
    BenchResult.Steady s = RunFigures.combine(List.of(a, b, c), "= flink (85 rows)");
    assertThat(s.eventsPerSecond()).isEqualTo(new Spread(230, 200, 260, 3));
    assertThat(s.startupSeconds()).isEqualTo(new Spread(2, 1, 4, 3));
    assertThat(s.endToEndPerSecond()).isEqualTo(new Spread(100, 90, 120, 3));
    assertThat(s.spanSeconds()).isEqualTo(5.0);
    // span / start-up per run: 4/2 = 2, 5/1 = 5, 6/4 = 1.5 -> median 2
    assertThat(s.spanOverStartup()).isEqualTo(2.0);
    assertThat(s.cpuSecondsPerMillion()).isEqualTo(new Spread(7_500, 6_000, 9_000, 3));
    assertThat(s.checkpoints()).isEqualTo(2);
    assertThat(s.checkpointMs()).isEqualTo(340);
    assertThat(s.parity()).isEqualTo("= flink (85 rows)");
  }
}
