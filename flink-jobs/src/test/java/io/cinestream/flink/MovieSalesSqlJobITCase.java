package io.cinestream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.model.CatalogPrice;
import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.LateEvent;
import io.cinestream.flink.model.MovieSalesMetric;
import io.cinestream.flink.model.PricedSale;
import io.cinestream.flink.testing.CollectingSink;
import io.cinestream.flink.testing.Expected;
import io.cinestream.flink.testing.MiniClusterTestBase;
import io.cinestream.flink.testing.SourceGate;
import io.cinestream.flink.testing.TestInputs;
import io.cinestream.testsupport.fixtures.MetricScenarios;
import io.cinestream.testsupport.fixtures.MetricScenarios.SalesScenario;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

/**
 * {@link MovieSalesSqlJob} on MiniCluster at parallelism 2: its rows equal the DataStream job's on
 * the same out-of-order input with duplicates and late events, and hand-computed values.
 */
class MovieSalesSqlJobITCase extends MiniClusterTestBase {

  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration WEEK = Duration.ofDays(7);

  /** How long a "not yet" check waits for rows that must not come (the DataStream job: < 1 s). */
  private static final Duration QUIET = Duration.ofSeconds(5);

  @Test
  void matchesTheDataStreamJobAndTheFixtureOnTheSharedScenario() throws Exception {
    SalesScenario scenario = MetricScenarios.sales();
    List<Either<DeadLetter, Event>> events = TestInputs.decoded(scenario.arrivals());
    List<Either<DeadLetter, CatalogPrice>> catalog = TestInputs.prices(scenario.catalog());

    Run sql = runSql(events, catalog);
    Run dataStream = runDataStream(events, catalog);

    assertThat(sql.metrics)
        .containsExactlyInAnyOrderElementsOf(Expected.sales(scenario.expected()))
        .containsExactlyInAnyOrderElementsOf(dataStream.metrics);
    assertThat(sql.unpriced).isEmpty();
    assertThat(sql.late).isEmpty();
    assertThat(sql.deadLetters).isEmpty();
  }

  /**
   * Hand-computed, prices m1 = 1299 and m2 = 500 cents. Cart A (checkout Sunday 2026-01-04 23:59
   * UTC): adds of m1 at Saturday 23:00 (more than 24 h before: not sold), m1 at 10:00, m2 at 23:00
   * and m1 at 23:58, the last arriving after the checkout (out of order within 2 min) and then
   * again (same event id: one unit). Cart B: m1 at Monday 00:30, checkout 01:00, and an add at
   * 00:45 arriving after 02:00 (behind the watermark 01:58: late, not sold). Cart C: an add of m2,
   * never checked out: no sale. So on Sunday (ISO week from Monday 2025-12-29): m1 2 units 2598
   * cents, m2 1 unit 500; on Monday (next ISO week): m1 1 unit 1299; cumulative m1 3897 by Monday.
   */
  @Test
  void sumsUnitsAtListPricesPerUtcDayAndIsoWeek() throws Exception {
    Instant sunday = Instant.parse("2026-01-04T00:00:00Z");
    Instant monday = sunday.plus(DAY);
    Instant isoWeek = Instant.parse("2025-12-29T00:00:00Z");
    String cartA = "a0000000-0000-0000-0000-000000000000";
    String cartB = "b0000000-0000-0000-0000-000000000000";
    String cartC = "c0000000-0000-0000-0000-000000000000";
    List<Either<DeadLetter, Event>> events =
        List.of(
            add("00000000-0000-0000-0000-000000000001", sunday.minusSeconds(3600), cartA, "m1"),
            add("00000000-0000-0000-0000-000000000002", sunday.plusSeconds(10 * 3600), cartA, "m1"),
            add("00000000-0000-0000-0000-000000000003", sunday.plusSeconds(23 * 3600), cartA, "m2"),
            checkout("00000000-0000-0000-0000-000000000004", monday.minusSeconds(60), cartA),
            add("00000000-0000-0000-0000-000000000005", monday.minusSeconds(120), cartA, "m1"),
            add("00000000-0000-0000-0000-000000000005", monday.minusSeconds(120), cartA, "m1"),
            add("00000000-0000-0000-0000-000000000006", monday.plusSeconds(30 * 60), cartB, "m1"),
            checkout("00000000-0000-0000-0000-000000000007", monday.plusSeconds(3600), cartB),
            add("00000000-0000-0000-0000-000000000008", monday.plusSeconds(7200), cartC, "m2"),
            add("00000000-0000-0000-0000-000000000009", monday.plusSeconds(45 * 60), cartB, "m1"));
    List<Either<DeadLetter, CatalogPrice>> catalog =
        List.of(
            Either.Right(new CatalogPrice("m1", 1299L)),
            Either.Right(new CatalogPrice("m2", 500L)));

    Run sql = runSql(events, catalog);
    Run dataStream = runDataStream(events, catalog);

    assertThat(sql.metrics)
        .containsExactlyInAnyOrder(
            row("m1", "daily", sunday, DAY, 2598, 2),
            row("m2", "daily", sunday, DAY, 500, 1),
            row("m1", "daily", monday, DAY, 1299, 1),
            row("m1", "weekly", isoWeek, WEEK, 2598, 2),
            row("m2", "weekly", isoWeek, WEEK, 500, 1),
            row("m1", "weekly", monday, WEEK, 1299, 1),
            row("m1", "cumulative", sunday, DAY, 2598, 2),
            row("m2", "cumulative", sunday, DAY, 500, 1),
            row("m1", "cumulative", monday, DAY, 3897, 3))
        .containsExactlyInAnyOrderElementsOf(dataStream.metrics);
    assertThat(sql.late)
        .containsExactly(
            new LateEvent(
                MovieSalesSqlJob.NAME,
                "00000000-0000-0000-0000-000000000009",
                "added_to_cart",
                monday.plusSeconds(45 * 60).toEpochMilli(),
                monday.plusSeconds(118 * 60).toEpochMilli()));
    assertThat(sql.late.get(0).watermarkMs()).isEqualTo(dataStream.late.get(0).watermarkMs());
    assertThat(sql.unpriced).isEmpty();
  }

  /**
   * Documents the one difference from {@link MovieSalesJob}: timing, not rows. Flink SQL's interval
   * join holds its output watermark back by the interval's width (24 h), so while the input is
   * unbounded a day closes when the input watermark passes its end + 24 h, not its end. Sale Sunday
   * 12:00; a watermark tick at Monday 00:02:01 (watermark Monday 00:00:01) closes Sunday and its
   * ISO week in the DataStream job, not in the SQL peer; a tick at Tuesday 00:02:01 closes the day
   * in the SQL peer (same rows) but still not the ISO week: the SQL weekly window (TUMBLE 7 days
   * offset 4 days) closes later still (FLINK-36664: the window operator's next flush watermark
   * ignores the offset). At the end of a bounded input all rows are equal (the other tests). The
   * jobs keep running (the last tick is held back by a gate), so no end-of-input watermark closes
   * anything. A "not yet" check waits {@link #QUIET} after the rows that must come.
   */
  @Test
  void closesADayWhenTheWatermarkPassesItsEndPlusTheJoinIntervalWhileUnbounded() throws Exception {
    Instant sunday = Instant.parse("2026-01-04T00:00:00Z");
    Instant monday = sunday.plus(DAY);
    String cart = "a0000000-0000-0000-0000-000000000000";
    List<Either<DeadLetter, Event>> sale =
        List.of(
            add("00000000-0000-0000-0000-000000000001", sunday.plusSeconds(10 * 3600), cart, "m1"),
            checkout("00000000-0000-0000-0000-000000000002", sunday.plusSeconds(12 * 3600), cart));
    List<Either<DeadLetter, CatalogPrice>> catalog =
        List.of(Either.Right(new CatalogPrice("m1", 1299L)));
    // Sunday ends its ISO week too: Monday 00:00 closes the day and the week.
    List<MovieSalesMetric> sundayRows =
        List.of(
            row("m1", "daily", sunday, DAY, 1299, 1),
            row("m1", "weekly", Instant.parse("2025-12-29T00:00:00Z"), WEEK, 1299, 1),
            row("m1", "cumulative", sunday, DAY, 1299, 1));
    Instant afterMonday = monday.plusSeconds(2 * 60 + 1);
    Instant afterTuesday = afterMonday.plus(DAY);

    assertThat(gatedRows(false, withTicks(sale, afterMonday), catalog, 3, Duration.ZERO))
        .containsExactlyInAnyOrderElementsOf(sundayRows);
    assertThat(gatedRows(true, withTicks(sale, afterMonday), catalog, 0, QUIET))
        .as("the SQL join's watermark is still Monday 00:00:01 - 24 h")
        .isEmpty();
    assertThat(gatedRows(true, withTicks(sale, afterTuesday), catalog, 2, QUIET))
        .as("the day closed, its ISO week not yet")
        .containsExactlyInAnyOrder(sundayRows.get(0), sundayRows.get(2));
  }

  /** {@code events} then two watermark ticks at {@code t} (the second held back by the gate). */
  private static List<Either<DeadLetter, Event>> withTicks(
      List<Either<DeadLetter, Event>> events, Instant t) {
    List<Either<DeadLetter, Event>> input = new ArrayList<>(events);
    input.add(Either.Right(Event.watermarkTick("checkout_to_cart", t.toEpochMilli())));
    input.add(Either.Right(Event.watermarkTick("checkout_to_cart", t.toEpochMilli())));
    return input;
  }

  /**
   * Runs the SQL peer ({@code sql}) or the DataStream job on {@code events} with the last record
   * held back by the gate, waits until {@code rows} metric rows arrived (at most {@code
   * JOB_TIMEOUT}), then {@code quiet} longer for rows that should not come, and returns the rows,
   * checking that the job was still running (no end-of-input watermark). The first wait has no
   * fixed length: on a loaded CI machine the SQL job can take seconds to plan and start.
   */
  private static List<MovieSalesMetric> gatedRows(
      boolean sql,
      List<Either<DeadLetter, Event>> events,
      List<Either<DeadLetter, CatalogPrice>> catalog,
      int rows,
      Duration quiet)
      throws Exception {
    Sinks s = new Sinks();
    JobOptions options = testOptions();
    StreamExecutionEnvironment env = environment(options);
    var source =
        TestInputs.source(events, TestInputs.EVENT_TYPE, SourceGate.closeAfter(events.size() - 1));
    var prices = TestInputs.source(catalog, TestInputs.CATALOG_TYPE);
    if (sql) {
      new MovieSalesSqlJob(options, source, prices, s.metrics, s.unpriced, s.late, s.deadLetters)
          .build(env);
    } else {
      new MovieSalesJob(options, source, prices, s.metrics, s.unpriced, s.late, s.deadLetters)
          .build(env);
    }
    JobClient job = env.executeAsync(sql ? MovieSalesSqlJob.NAME : MovieSalesJob.NAME);
    try {
      SourceGate.awaitPaused();
      long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
      while (s.metrics.values().size() < rows && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      Thread.sleep(quiet.toMillis());
      assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
      return s.metrics.values();
    } finally {
      cancelGated(job);
    }
  }

  private static Either<DeadLetter, Event> add(String id, Instant at, String cart, String item) {
    return Either.Right(Event.addedToCart(id, at.toEpochMilli(), 7, cart, item));
  }

  private static Either<DeadLetter, Event> checkout(String id, Instant at, String cart) {
    return Either.Right(Event.checkout(id, at.toEpochMilli(), 7, cart));
  }

  private static MovieSalesMetric row(
      String movie, String type, Instant start, Duration length, long cents, long units) {
    return new MovieSalesMetric(
        movie, type, start.toEpochMilli(), start.plus(length).toEpochMilli(), cents, units);
  }

  private record Run(
      List<MovieSalesMetric> metrics,
      List<PricedSale> unpriced,
      List<LateEvent> late,
      List<DeadLetter> deadLetters) {}

  private static Run runSql(
      List<Either<DeadLetter, Event>> events, List<Either<DeadLetter, CatalogPrice>> catalog)
      throws Exception {
    Sinks s = new Sinks();
    JobOptions options = testOptions();
    StreamExecutionEnvironment env = environment(options);
    new MovieSalesSqlJob(
            options,
            TestInputs.source(events, TestInputs.EVENT_TYPE),
            TestInputs.source(catalog, TestInputs.CATALOG_TYPE),
            s.metrics,
            s.unpriced,
            s.late,
            s.deadLetters)
        .build(env);
    env.execute(MovieSalesSqlJob.NAME);
    return s.run();
  }

  private static Run runDataStream(
      List<Either<DeadLetter, Event>> events, List<Either<DeadLetter, CatalogPrice>> catalog)
      throws Exception {
    Sinks s = new Sinks();
    JobOptions options = testOptions();
    StreamExecutionEnvironment env = environment(options);
    new MovieSalesJob(
            options,
            TestInputs.source(events, TestInputs.EVENT_TYPE),
            TestInputs.source(catalog, TestInputs.CATALOG_TYPE),
            s.metrics,
            s.unpriced,
            s.late,
            s.deadLetters)
        .build(env);
    env.execute(MovieSalesJob.NAME);
    return s.run();
  }

  private static final class Sinks {
    final CollectingSink<MovieSalesMetric> metrics = new CollectingSink<>();
    final CollectingSink<PricedSale> unpriced = new CollectingSink<>();
    final CollectingSink<LateEvent> late = new CollectingSink<>();
    final CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();

    Run run() {
      return new Run(metrics.values(), unpriced.values(), late.values(), deadLetters.values());
    }
  }
}
