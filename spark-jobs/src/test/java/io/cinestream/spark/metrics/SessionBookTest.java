package io.cinestream.spark.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinestream.spark.metrics.SessionBook.OrphanMinute;
import io.cinestream.spark.metrics.SessionBook.SignEvent;
import io.cinestream.spark.metrics.SessionBook.Tick;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The session book's edge rules, computed by hand (timeout 10 min). */
class SessionBookTest {

  private static final long TIMEOUT_MS = 10 * 60_000L;

  private static long t(String hhmmss) {
    return Instant.parse("2024-01-01T" + hhmmss + "Z").toEpochMilli();
  }

  private static SignEvent in(int id, int user, String time) {
    return new SignEvent("id-" + id, user, t(time), false);
  }

  private static SignEvent out(int id, int user, String time) {
    return new SignEvent("id-" + id, user, t(time), true);
  }

  @Test
  void signOutExactlyAtTheTimeoutClosesTheSessionNormally() {
    SessionBook book = new SessionBook(TIMEOUT_MS);
    SessionBook.Output o =
        book.advance(List.of(in(1, 1, "12:00:00"), out(2, 1, "12:10:00")), t("12:10:00"));
    // Ticks 12:00..12:10; at 12:09 the session is 540 s old, at 12:10 it closed after 600 s.
    assertThat(o.ticks()).hasSize(11);
    assertThat(o.ticks().get(9)).isEqualTo(new Tick(t("12:09:00"), 1, null, 540.0, 0));
    assertThat(o.ticks().get(10)).isEqualTo(new Tick(t("12:10:00"), 0, 600.0, null, 1));
    assertThat(o.orphans()).isEmpty();
    assertThat(book.openSessions()).isZero();
  }

  @Test
  void signInAtTheExpiryInstantOpensANewSessionAndALaterSignOutClosesIt() {
    SessionBook book = new SessionBook(TIMEOUT_MS);
    SessionBook.Output o =
        book.advance(
            List.of(in(1, 1, "12:00:00"), in(2, 1, "12:10:00"), out(3, 1, "12:12:30")),
            t("12:13:00"));
    // The first session expires at 12:10 (no duration), the second opens at 12:10 and closes
    // at 12:12:30 after 150 s.
    assertThat(o.ticks().get(10)).isEqualTo(new Tick(t("12:10:00"), 1, null, 0.0, 0));
    assertThat(o.ticks().get(12)).isEqualTo(new Tick(t("12:12:00"), 1, null, 120.0, 0));
    assertThat(o.ticks().get(13)).isEqualTo(new Tick(t("12:13:00"), 0, 150.0, null, 1));
  }

  @Test
  void orphanMinuteIsEmittedOnlyOnceItsLastMillisecondIsFinal() {
    SessionBook book = new SessionBook(TIMEOUT_MS);
    SessionBook.Output first = book.advance(List.of(out(1, 7, "12:03:10")), t("12:03:59.998"));
    assertThat(first.orphans()).isEmpty();
    assertThat(book.nextDueMs()).isEqualTo(t("12:03:59.999"));
    SessionBook.Output second = book.advance(List.of(), t("12:03:59.999"));
    assertThat(second.orphans()).containsExactly(new OrphanMinute(t("12:03:00"), 1));
    // The first tick is the boundary at or after the first event.
    assertThat(second.ticks()).isEmpty();
    assertThat(book.nextDueMs()).isEqualTo(t("12:04:00"));
  }

  @Test
  void rejectsAnArrivalAtAnInstantAlreadyApplied() {
    SessionBook book = new SessionBook(TIMEOUT_MS);
    book.advance(List.of(in(1, 1, "12:00:00")), t("12:05:00"));
    assertThatThrownBy(() -> book.advance(List.of(out(2, 1, "12:05:00")), t("12:06:00")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id-2");
  }
}
