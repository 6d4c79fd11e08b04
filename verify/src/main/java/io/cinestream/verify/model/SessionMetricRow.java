package io.cinestream.verify.model;

import java.time.Instant;

/**
 * A session_metrics row (docs/metrics.md#sessions), without engine and emitted_at.
 *
 * @param timestamp the minute tick T (UTC)
 * @param activeSessions sessions open at T
 * @param averageSessionDurationS mean duration in seconds of sessions closed by sign_out in (T-1h,
 *     T]; null if none
 * @param averageActiveSessionAgeS mean T - sign_in in seconds over sessions open at T; null if none
 * @param completedSessions the number of sessions behind {@code averageSessionDurationS}
 */
public record SessionMetricRow(
    Instant timestamp,
    long activeSessions,
    Double averageSessionDurationS,
    Double averageActiveSessionAgeS,
    long completedSessions) {}
