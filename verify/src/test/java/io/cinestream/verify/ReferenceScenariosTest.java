package io.cinestream.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.testsupport.fixtures.MetricScenarios;
import io.cinestream.testsupport.fixtures.MetricScenarios.CatalogEntry;
import io.cinestream.testsupport.fixtures.MetricScenarios.InputEvent;
import io.cinestream.testsupport.fixtures.MetricScenarios.LateRow;
import io.cinestream.testsupport.fixtures.MetricScenarios.RegistrationScenario;
import io.cinestream.testsupport.fixtures.MetricScenarios.SalesScenario;
import io.cinestream.testsupport.fixtures.MetricScenarios.SessionScenario;
import io.cinestream.verify.model.MovieSalesMetricRow;
import io.cinestream.verify.model.OrphanSignOutRow;
import io.cinestream.verify.model.RawEvent;
import io.cinestream.verify.model.RegistrationMetricRow;
import io.cinestream.verify.model.SessionMetricRow;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The reference implementation on the hand-computed scenarios the Flink jobs are tested on. */
class ReferenceScenariosTest {

  static List<RawEvent> raw(List<InputEvent> events) {
    return events.stream()
        .map(
            e ->
                new RawEvent(
                    e.eventId(), e.topic(), e.eventTime(), e.userId(), e.cartId(), e.itemId()))
        .toList();
  }

  /** The reference has no arrival order: it gets the input minus what the scenario calls late. */
  static List<RawEvent> onTime(List<InputEvent> arrivals, List<LateRow> late) {
    Set<String> lateIds = late.stream().map(LateRow::eventId).collect(Collectors.toSet());
    return raw(arrivals.stream().filter(e -> !lateIds.contains(e.eventId())).toList());
  }

  @Test
  void registrationsMatchTheScenarioRows() {
    RegistrationScenario s = MetricScenarios.registrations();

    List<RegistrationMetricRow> rows =
        RegistrationReference.compute(onTime(s.arrivals(), s.expectedLate()));

    assertThat(rows)
        .containsExactlyInAnyOrderElementsOf(
            s.expected().stream()
                .map(
                    r ->
                        new RegistrationMetricRow(
                            r.windowType(), r.windowStart(), r.windowEnd(), r.registrationCount()))
                .toList());
  }

  @Test
  void countsTheLateRegistrationWhenGivenAllRawEvents() {
    RegistrationScenario s = MetricScenarios.registrations();

    List<RegistrationMetricRow> rows = RegistrationReference.compute(raw(s.arrivals()));

    // User 5 at 11:10 joins users 3, 8, 6, 4 in [11:00, 12:00) and 7, 2, 1, 3 in [10:15, 11:15).
    assertThat(rows)
        .contains(
            new RegistrationMetricRow(RegistrationReference.TUMBLING, at("11:00"), at("12:00"), 5),
            new RegistrationMetricRow(RegistrationReference.SLIDING, at("10:15"), at("11:15"), 5))
        .hasSize(12);
  }

  @Test
  void sessionsMatchTheScenarioTicksAndOrphans() {
    SessionScenario s = MetricScenarios.sessions();

    SessionReference.Result result =
        SessionReference.compute(
            onTime(s.arrivals(), s.expectedLate()),
            s.sessionTimeout(),
            MetricScenarios.MAX_OUT_OF_ORDERNESS);

    assertThat(result.ticks())
        .containsExactlyElementsOf(
            s.expected().stream()
                .map(
                    r ->
                        new SessionMetricRow(
                            r.timestamp(),
                            r.activeSessions(),
                            r.averageSessionDurationS(),
                            r.averageActiveSessionAgeS(),
                            r.completedSessions()))
                .toList());
    assertThat(result.orphans())
        .containsExactlyElementsOf(
            s.expectedOrphans().stream()
                .map(o -> new OrphanSignOutRow(o.minute(), o.orphanCount()))
                .toList());
  }

  @Test
  void signOutExactlyAtTheTimeoutClosesTheSessionNormally() {
    List<RawEvent> events =
        List.of(
            signIn(1, "12:00", 1),
            signOut(2, "12:10", 1), // exactly sign_in + 10 min: a 600 s session
            signIn(3, "12:15", 2)); // W = 12:13: the last tick is 12:12
    SessionReference.Result result =
        SessionReference.compute(events, Duration.ofMinutes(10), Duration.ofMinutes(2));

    assertThat(result.orphans()).isEmpty();
    assertThat(result.ticks()).hasSize(13); // 12:00 .. 12:12
    assertThat(result.ticks().get(10))
        .isEqualTo(new SessionMetricRow(at("12:10"), 0, 600.0, null, 1));
    assertThat(result.ticks().get(9))
        .isEqualTo(new SessionMetricRow(at("12:09"), 1, null, 540.0, 0));
  }

  @Test
  void signOutAfterTheTimeoutIsAnOrphanAndSameInstantSignOutAppliesFirst() {
    List<RawEvent> events =
        List.of(
            signIn(1, "12:00", 1),
            signOut(2, "12:11", 1), // expired at 12:10: orphan
            signIn(3, "12:20", 2),
            signOut(4, "12:20", 2), // same instant, sign_out first: orphan; the sign_in stays open
            signIn(5, "12:30", 3)); // W = 12:28: the last tick is 12:27
    SessionReference.Result result =
        SessionReference.compute(events, Duration.ofMinutes(10), Duration.ofMinutes(2));

    assertThat(result.orphans())
        .containsExactly(
            new OrphanSignOutRow(at("12:11"), 1), new OrphanSignOutRow(at("12:20"), 1));
    assertThat(result.ticks().get(result.ticks().size() - 1))
        .isEqualTo(new SessionMetricRow(at("12:27"), 1, null, 420.0, 0));
  }

  @Test
  void aLaterWatermarkTickRunsTheTicksOnToItsWatermark() {
    List<RawEvent> events =
        List.of(signIn(1, "12:00", 1), signOut(2, "12:10", 1), signIn(3, "12:15", 2));
    SessionReference.Result result =
        SessionReference.compute(
            events, Duration.ofMinutes(30), Duration.ofMinutes(2), at("14:00"));

    // W = 13:58: ticks 12:00 .. 13:57; user 2's session expired at 12:45.
    assertThat(result.ticks()).hasSize(118);
    assertThat(result.ticks().get(result.ticks().size() - 1))
        .isEqualTo(new SessionMetricRow(at("13:57"), 0, null, null, 0));
    assertThat(result.ticks().get(44))
        .isEqualTo(new SessionMetricRow(at("12:44"), 1, 600.0, 1740.0, 1));
    assertThat(
            SessionReference.compute(
                    events, Duration.ofMinutes(30), Duration.ofMinutes(2), at("12:01"))
                .ticks())
        .as("a tick before the last event changes nothing")
        .hasSize(13);
  }

  @Test
  void salesMatchTheScenarioRows() {
    SalesScenario s = MetricScenarios.sales();
    Map<String, Long> prices = new HashMap<>();
    for (CatalogEntry c : s.catalog()) {
      prices.put(c.itemId(), c.listPriceCents());
    }

    List<MovieSalesMetricRow> rows = SalesReference.compute(raw(s.arrivals()), prices);

    assertThat(rows)
        .containsExactlyInAnyOrderElementsOf(
            s.expected().stream()
                .map(
                    r ->
                        new MovieSalesMetricRow(
                            r.movieId(),
                            r.windowType(),
                            r.windowStart(),
                            r.windowEnd(),
                            r.totalSales(),
                            r.unitsSold()))
                .toList());
  }

  @Test
  void twoDistinctCheckoutsOfOneCartEachSellTheAddsOfTheirDayAndUnpricedItemsAreNotSales() {
    String cart = "10000000-0000-4000-8000-000000000009";
    List<RawEvent> events =
        List.of(
            new RawEvent("a", RawEvent.ADDED_TO_CART, at("10:00"), 1, cart, "m1"),
            new RawEvent("b", RawEvent.ADDED_TO_CART, at("10:01"), 1, cart, "unpriced"),
            new RawEvent("c", RawEvent.CHECKOUT, at("10:05"), 1, cart, null),
            new RawEvent("d", RawEvent.CHECKOUT, at("11:00"), 1, cart, null));

    List<MovieSalesMetricRow> rows = SalesReference.compute(events, Map.of("m1", 250L));

    assertThat(rows)
        .filteredOn(r -> r.windowType().equals(SalesReference.DAILY))
        .containsExactly(
            new MovieSalesMetricRow(
                "m1",
                SalesReference.DAILY,
                Instant.parse("2024-01-01T00:00:00Z"),
                Instant.parse("2024-01-02T00:00:00Z"),
                new java.math.BigDecimal("5.00"),
                2));
  }

  static Instant at(String hhmm) {
    return Instant.parse("2024-01-01T" + hhmm + ":00Z");
  }

  private static RawEvent signIn(int id, String hhmm, int user) {
    return new RawEvent(MetricScenarios.id(id), RawEvent.SIGN_IN, at(hhmm), user, null, null);
  }

  private static RawEvent signOut(int id, String hhmm, int user) {
    return new RawEvent(MetricScenarios.id(id), RawEvent.SIGN_OUT, at(hhmm), user, null, null);
  }
}
