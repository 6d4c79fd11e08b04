package io.cinestream.verify.model;

import java.time.Instant;

/**
 * A user_registration_metrics row (docs/metrics.md#registration-windows), without engine and
 * emitted_at.
 *
 * @param windowType {@code tumbling_1h} or {@code sliding_1h_15m}
 * @param windowStart inclusive window start (UTC)
 * @param windowEnd exclusive window end (UTC)
 * @param registrationCount distinct user ids registered in [start, end)
 */
public record RegistrationMetricRow(
    String windowType, Instant windowStart, Instant windowEnd, long registrationCount) {}
