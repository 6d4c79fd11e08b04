package io.cinestream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.LateEvent;
import io.cinestream.flink.model.RegistrationMetric;
import io.cinestream.flink.testing.CollectingSink;
import io.cinestream.flink.testing.MiniClusterTestBase;
import io.cinestream.flink.testing.SourceGate;
import io.cinestream.flink.testing.TestInputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RocksDB state backend with incremental checkpoints, end to end on the MiniCluster: the
 * registration job keeps per-user state (seen slots, seen event ids, a timer) for 20,000 users of
 * users in RocksDB, is cancelled mid-input after a retained checkpoint, and a second run restored
 * from that checkpoint (not a savepoint) must converge to exactly the rows an independent count
 * gives.
 */
class RocksDbCheckpointRestoreITCase extends MiniClusterTestBase {

  private static final int USERS = 20_000;
  private static final long BASE = 1_704_067_200_000L; // 2024-01-01T00:00:00Z
  private static final long STEP_MS = 720; // 20,000 users over 4 h
  private static final long HOUR = 3_600_000L;
  private static final long QUARTER = 900_000L;

  private static String id(int n) {
    return String.format("00000000-0000-4000-8000-%012d", n);
  }

  /**
   * One registration per user, in rising time with up to 59 s of disorder (within the 2 min
   * watermark delay: nothing late), every 10th sent twice (a producer retry, 3 records later).
   */
  private static List<Event> input() {
    List<Event> events = new ArrayList<>();
    List<Event> retries = new ArrayList<>();
    for (int u = 1; u <= USERS; u++) {
      long jitter = (u * 7919L % 59) * 1000;
      Event e = Event.registration(id(u), BASE + u * STEP_MS + jitter, u);
      events.add(e);
      if (u % 10 == 0) {
        retries.add(e);
      }
      if (!retries.isEmpty() && u % 10 == 3) {
        events.add(retries.remove(0));
      }
    }
    events.addAll(retries);
    return events;
  }

  /** Distinct users per window, counted directly from the window definitions (docs/metrics.md). */
  private static List<RegistrationMetric> expected(List<Event> input) {
    Map<String, TreeMap<Long, Set<Integer>>> byType = new LinkedHashMap<>();
    for (Event e : input) {
      long t = e.eventTimeMs();
      long hour = Math.floorDiv(t, HOUR) * HOUR;
      byType
          .computeIfAbsent("tumbling_1h", k -> new TreeMap<>())
          .computeIfAbsent(hour, k -> new HashSet<>())
          .add(e.userId());
      for (long s = Math.floorDiv(t, QUARTER) * QUARTER; s > t - HOUR; s -= QUARTER) {
        byType
            .computeIfAbsent("sliding_1h_15m", k -> new TreeMap<>())
            .computeIfAbsent(s, k -> new HashSet<>())
            .add(e.userId());
      }
    }
    List<RegistrationMetric> rows = new ArrayList<>();
    byType.forEach(
        (type, windows) ->
            windows.forEach(
                (start, users) ->
                    rows.add(new RegistrationMetric(type, start, start + HOUR, users.size()))));
    return rows;
  }

  private static JobOptions options(Path checkpoints) {
    return JobOptions.fromArgs(
            new String[] {
              "--checkpoint-interval", "200 ms",
              "--checkpoint-dir", checkpoints.toUri().toString(),
              "--state-backend", "rocksdb",
              "--restart-strategy", "none"
            })
        .withPunctuatedWatermarks()
        .withSourceParallelism(1);
  }

  private static CollectingSink<RegistrationMetric> build(
      StreamExecutionEnvironment env,
      JobOptions options,
      List<Either<DeadLetter, Event>> input,
      RateLimiterStrategy<?> pacing,
      CollectingSink<LateEvent> late) {
    CollectingSink<RegistrationMetric> metrics = new CollectingSink<>();
    new RegistrationMetricsJob(
            options,
            TestInputs.source(input, TestInputs.EVENT_TYPE, pacing),
            metrics,
            late,
            new CollectingSink<>())
        .build(env);
    return metrics;
  }

  /**
   * The newest completed checkpoint under {@code dir} ({@code <job>/chk-N/_metadata}). While the
   * job runs, Flink deletes subsumed checkpoints, so a walk can reach a folder that is gone: it is
   * walked again.
   */
  private static Optional<Path> latestCheckpoint(Path dir) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try (Stream<Path> files = Files.walk(dir)) {
        return files
            .filter(p -> p.getFileName().toString().equals("_metadata"))
            .map(Path::getParent)
            .filter(p -> p.getFileName().toString().startsWith("chk-"))
            .max(Comparator.comparingLong(p -> number(Optional.of(p))));
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof NoSuchFileException) || attempt == 20) {
          throw e;
        }
      }
    }
  }

  private static long number(Optional<Path> checkpoint) {
    return checkpoint.map(p -> Long.parseLong(p.getFileName().toString().substring(4))).orElse(0L);
  }

  private static long sharedFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> p.getParent().getFileName().toString().equals("shared"))
          .count();
    }
  }

  @Test
  void restoresPerUserStateFromAnIncrementalRocksDbCheckpointAndConvergesToTheSameRows(
      @TempDir Path checkpoints) throws Exception {
    List<Event> events = input();
    List<RegistrationMetric> expected = expected(events);
    List<Either<DeadLetter, Event>> decoded =
        events.stream().map(e -> Either.<DeadLetter, Event>Right(e)).toList();
    int consumedBeforeStop = decoded.size() / 2;
    JobOptions options = options(checkpoints);

    StreamExecutionEnvironment first = environment(options);
    CollectingSink<LateEvent> lateBefore = new CollectingSink<>();
    CollectingSink<RegistrationMetric> before =
        build(first, options, decoded, SourceGate.closeAfter(consumedBeforeStop), lateBefore);
    JobClient job = first.executeAsync(RegistrationMetricsJob.NAME);
    SourceGate.awaitPaused();
    // Checkpoint P+1 may have started before the pause; P+2 starts after P+1 completed, which is
    // after the pause, so it holds the state of exactly the first half.
    long wanted = number(latestCheckpoint(checkpoints)) + 2;
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    while (number(latestCheckpoint(checkpoints)) < wanted && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    // The checkpoint is chosen once the job is cancelled: while it runs, a newer checkpoint can
    // complete and delete (subsume) the one just chosen. Every checkpoint after the pause holds the
    // same state, and the newest is retained on cancellation.
    job.cancel().get();
    while (!job.getJobStatus().get().isGloballyTerminalState()) {
      Thread.sleep(50);
    }
    Optional<Path> checkpoint = latestCheckpoint(checkpoints);
    assertThat(checkpoint).isPresent();
    assertThat(number(checkpoint)).isGreaterThanOrEqualTo(wanted);
    assertThat(sharedFiles(checkpoints))
        .as("incremental RocksDB checkpoints keep their SST files under shared/")
        .isPositive();
    assertThat(before.values()).hasSizeLessThan(expected.size());

    SourceGate.open();
    List<Either<DeadLetter, Event>> rest = new ArrayList<>(decoded);
    for (int i = 0; i < consumedBeforeStop; i++) {
      rest.set(
          i, Either.Left(new DeadLetter("consumer_registration", 0, i, null, null, "consumed")));
    }
    Configuration restore = new Configuration();
    restore.set(StateRecoveryOptions.SAVEPOINT_PATH, checkpoint.get().toUri().toString());
    StreamExecutionEnvironment second = environment(options, restore);
    CollectingSink<LateEvent> lateAfter = new CollectingSink<>();
    CollectingSink<RegistrationMetric> after =
        build(second, options, rest, SourceGate.closeAfter(Long.MAX_VALUE / 2), lateAfter);
    second.execute(RegistrationMetricsJob.NAME);

    Map<String, RegistrationMetric> table = new LinkedHashMap<>();
    for (RegistrationMetric r : before.values()) {
      table.put(r.windowType() + r.windowStartMs(), r);
    }
    for (RegistrationMetric r : after.values()) {
      table.put(r.windowType() + r.windowStartMs(), r);
    }
    assertThat(table.values()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(lateBefore.values()).isEmpty();
    assertThat(lateAfter.values()).isEmpty();
  }
}
