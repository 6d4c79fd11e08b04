package io.cinestream.flink.model;

/**
 * A row of {@code orphan_sign_outs}: sign_outs without an open session in one event-time minute.
 *
 * @param minuteMs start of the minute [m, m+1min), UTC ms
 * @param count orphan sign_outs with event time in that minute
 */
public record OrphanSignOuts(long minuteMs, long count) {}
