package io.cinestream.flink.model;

/**
 * A row of {@code user_registration_metrics} (docs/metrics.md#registration-windows).
 *
 * @param windowType {@code tumbling_1h} or {@code sliding_1h_15m}
 * @param windowStartMs inclusive window start, UTC ms
 * @param windowEndMs exclusive window end, UTC ms
 * @param registrationCount number of distinct user_id registered in [start, end)
 */
public record RegistrationMetric(
    String windowType, long windowStartMs, long windowEndMs, long registrationCount) {}
