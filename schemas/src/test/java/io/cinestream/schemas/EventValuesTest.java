package io.cinestream.schemas;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinestream.events.ConsumerRegistration;
import io.cinestream.events.ItemRating;
import io.cinestream.events.PreferredLanguage;
import io.cinestream.events.SignIn;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventValuesTest {

  private static final UUID ID = UUID.fromString("0f000000-0000-4000-8000-000000000001");

  private static SignIn signIn(String at, int userId) {
    return SignIn.newBuilder()
        .setEventId(ID)
        .setTimestamp(Instant.parse(at))
        .setUserId(userId)
        .build();
  }

  @Test
  void acceptsTheEdgesOfEveryRange() {
    assertThatCode(() -> EventValues.check(signIn("2000-01-01T00:00:00Z", 1)))
        .doesNotThrowAnyException();
    assertThatCode(() -> EventValues.check(signIn("9999-12-31T23:59:59.999Z", 1_000_000)))
        .doesNotThrowAnyException();
  }

  @Test
  void refusesAYear10000EventTime() {
    assertThatThrownBy(() -> EventValues.check(signIn("+10000-01-01T00:00:00Z", 7)))
        .isInstanceOf(EventValues.ImplausibleValueException.class)
        .hasMessage(
            "event time +10000-01-01T00:00:00Z outside 2000-01-01T00:00:00Z..9999-12-31T23:59:59.999Z");
  }

  @Test
  void refusesAnEventTimeBeforeTheCatalogueExisted() {
    assertThatThrownBy(() -> EventValues.check(signIn("1999-12-31T23:59:59.999Z", 7)))
        .isInstanceOf(EventValues.ImplausibleValueException.class)
        .hasMessageStartingWith("event time 1999-12-31T23:59:59.999Z outside");
  }

  @Test
  void refusesUserIdsOutsideTheDesignRange() {
    assertThatThrownBy(() -> EventValues.check(signIn("2026-01-05T00:00:00Z", 0)))
        .hasMessage("user_id 0 outside 1..1000000");
    assertThatThrownBy(() -> EventValues.check(signIn("2026-01-05T00:00:00Z", 1_000_001)))
        .hasMessage("user_id 1000001 outside 1..1000000");
  }

  @Test
  void refusesAnAgeOrARatingOutOfRange() {
    ConsumerRegistration young =
        ConsumerRegistration.newBuilder()
            .setEventId(ID)
            .setTimestamp(Instant.parse("2026-01-05T00:00:00Z"))
            .setUserId(7)
            .setAge(17)
            .setMaskedEmail("****@example.com")
            .setPreferredLanguage(PreferredLanguage.eng)
            .build();
    assertThatThrownBy(() -> EventValues.check(young)).hasMessage("age 17 outside 18..95");

    ItemRating six =
        ItemRating.newBuilder()
            .setEventId(ID)
            .setTimestamp(Instant.parse("2026-01-05T00:00:00Z"))
            .setUserId(7)
            .setItemId("ean:0085391163121")
            .setRating(6)
            .build();
    assertThatThrownBy(() -> EventValues.check(six)).hasMessage("rating 6 outside 1..5");
  }

  @Test
  void refusesAnEventTimeMoreThanTheBoundAheadOfTheWallClock() {
    Instant now = Instant.parse("2026-12-04T20:00:00Z");
    Duration bound = Duration.ofMinutes(2);
    // now + 2 min exactly is accepted, 1 ms later is refused.
    assertThatCode(() -> EventValues.check(signIn("2026-12-04T20:02:00Z", 7), now, bound))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> EventValues.check(signIn("2026-12-04T20:02:00.001Z", 7), now, bound))
        .isInstanceOf(EventValues.ImplausibleValueException.class)
        .hasMessage(
            "event time 2026-12-04T20:02:00.001Z more than PT2M ahead of the wall clock"
                + " 2026-12-04T20:00:00Z");
  }

  @Test
  void neverRefusesAPastEventForBeingAhead() {
    // A bounded replay of a simulated day in the past: the wall-clock bound cannot refuse it,
    // even with a zero bound.
    assertThatCode(
            () ->
                EventValues.check(
                    signIn("2024-01-01T12:00:00Z", 7),
                    Instant.parse("2026-12-04T20:00:00Z"),
                    Duration.ZERO))
        .doesNotThrowAnyException();
  }

  @Test
  void theRangeCheckComesBeforeTheWallClockCheck() {
    assertThatThrownBy(
            () ->
                EventValues.check(
                    signIn("+10000-01-01T00:00:00Z", 7),
                    Instant.parse("2026-12-04T20:00:00Z"),
                    EventValues.DEFAULT_MAX_AHEAD))
        .hasMessageStartingWith("event time +10000-01-01T00:00:00Z outside");
  }
}
