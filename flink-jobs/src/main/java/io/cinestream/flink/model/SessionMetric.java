package io.cinestream.flink.model;

/**
 * A row of {@code session_metrics}: the state of all sessions at one event-time minute tick
 * (docs/metrics.md#sessions).
 *
 * @param tickMs the minute boundary T, UTC ms
 * @param activeSessions sessions open at T (sign_in <= T < close)
 * @param averageSessionDurationS mean sign_out - sign_in, seconds, over sessions closed by sign_out
 *     in (T-1h, T]; null if none
 * @param averageActiveSessionAgeS mean T - sign_in, seconds, over sessions open at T; null if none
 * @param completedSessions the number of sessions behind {@code averageSessionDurationS}
 */
public record SessionMetric(
    long tickMs,
    long activeSessions,
    Double averageSessionDurationS,
    Double averageActiveSessionAgeS,
    long completedSessions) {}
