package io.cinestream.flink.testing;

import io.cinestream.flink.model.LateEvent;
import io.cinestream.flink.model.MovieSalesMetric;
import io.cinestream.flink.model.OrphanSignOuts;
import io.cinestream.flink.model.RegistrationMetric;
import io.cinestream.flink.model.SessionMetric;
import io.cinestream.testsupport.fixtures.MetricScenarios.LateRow;
import io.cinestream.testsupport.fixtures.MetricScenarios.OrphanRow;
import io.cinestream.testsupport.fixtures.MetricScenarios.RegistrationRow;
import io.cinestream.testsupport.fixtures.MetricScenarios.SalesRow;
import io.cinestream.testsupport.fixtures.MetricScenarios.SessionRow;
import java.util.List;

/** Converts the fixtures' expected rows into the jobs' row types, for exact comparison. */
public final class Expected {

  private Expected() {}

  /** Registration rows. */
  public static List<RegistrationMetric> registrations(List<RegistrationRow> rows) {
    return rows.stream()
        .map(
            r ->
                new RegistrationMetric(
                    r.windowType(),
                    r.windowStart().toEpochMilli(),
                    r.windowEnd().toEpochMilli(),
                    r.registrationCount()))
        .toList();
  }

  /** Session rows. */
  public static List<SessionMetric> sessions(List<SessionRow> rows) {
    return rows.stream()
        .map(
            r ->
                new SessionMetric(
                    r.timestamp().toEpochMilli(),
                    r.activeSessions(),
                    r.averageSessionDurationS(),
                    r.averageActiveSessionAgeS(),
                    r.completedSessions()))
        .toList();
  }

  /** Orphan rows. */
  public static List<OrphanSignOuts> orphans(List<OrphanRow> rows) {
    return rows.stream()
        .map(r -> new OrphanSignOuts(r.minute().toEpochMilli(), r.orphanCount()))
        .toList();
  }

  /** Sales rows (dollars back to integer cents, exactly). */
  public static List<MovieSalesMetric> sales(List<SalesRow> rows) {
    return rows.stream()
        .map(
            r ->
                new MovieSalesMetric(
                    r.movieId(),
                    r.windowType(),
                    r.windowStart().toEpochMilli(),
                    r.windowEnd().toEpochMilli(),
                    r.totalSales().movePointRight(2).longValueExact(),
                    r.unitsSold()))
        .toList();
  }

  /** Late-event rows. */
  public static List<LateEvent> late(List<LateRow> rows) {
    return rows.stream()
        .map(
            r ->
                new LateEvent(
                    r.job(),
                    r.eventId(),
                    r.topic(),
                    r.eventTime().toEpochMilli(),
                    r.watermark().toEpochMilli()))
        .toList();
  }
}
