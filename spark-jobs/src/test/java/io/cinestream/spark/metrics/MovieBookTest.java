package io.cinestream.spark.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.spark.metrics.MovieBook.Change;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-movie sales book, computed by hand. */
class MovieBookTest {

  private static long t(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void anOutOfOrderUnitReEmitsTheRunningTotalsOfTheDaysAfterIt() {
    MovieBook book = new MovieBook();
    book.add(List.of(new long[] {t("2024-01-08T00:00:10Z"), 500}), Long.MIN_VALUE);
    List<Change> changes =
        book.add(List.of(new long[] {t("2024-01-07T23:59:59Z"), 300}), Long.MIN_VALUE);
    // Sunday 2024-01-07 is in the ISO week of Monday 2024-01-01.
    assertThat(changes)
        .containsExactly(
            new Change("daily", t("2024-01-07T00:00:00Z"), t("2024-01-08T00:00:00Z"), 300, 1),
            new Change("weekly", t("2024-01-01T00:00:00Z"), t("2024-01-08T00:00:00Z"), 300, 1),
            new Change("cumulative", t("2024-01-07T00:00:00Z"), t("2024-01-08T00:00:00Z"), 300, 1),
            new Change("cumulative", t("2024-01-08T00:00:00Z"), t("2024-01-09T00:00:00Z"), 800, 2));
  }

  @Test
  void forgottenDaysStillCountInTheRunningTotal() {
    MovieBook book = new MovieBook();
    // The week of 2024-01-01 ends 2024-01-08; + 2 days retention: forgotten once the watermark
    // passes 2024-01-10.
    book.add(List.of(new long[] {t("2024-01-01T10:00:00Z"), 100}), t("2024-01-10T00:00:00Z"));
    assertThat(book.keptDays()).isZero();
    List<Change> changes =
        book.add(List.of(new long[] {t("2024-01-20T10:00:00Z"), 250}), t("2024-01-10T00:00:00Z"));
    assertThat(changes)
        .contains(
            new Change("cumulative", t("2024-01-20T00:00:00Z"), t("2024-01-21T00:00:00Z"), 350, 2));
    assertThat(book.keptDays()).isEqualTo(1);
  }
}
