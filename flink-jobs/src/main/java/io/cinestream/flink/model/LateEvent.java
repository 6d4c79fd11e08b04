package io.cinestream.flink.model;

/**
 * An event that arrived behind its job's watermark (docs/metrics.md#watermark): counted in {@code
 * late_events}, never silently lost.
 *
 * @param job the job name, e.g. {@code registration-metrics}
 * @param eventId the event's UUID
 * @param topic the topic the event came from
 * @param eventTimeMs event time, UTC ms
 * @param watermarkMs the watermark it was behind, in DESIGN's definition (max event time seen minus
 *     max out-of-orderness; Flink's own watermark is that minus 1 ms), UTC ms; null when unknown
 */
public record LateEvent(
    String job, String eventId, String topic, long eventTimeMs, Long watermarkMs) {}
