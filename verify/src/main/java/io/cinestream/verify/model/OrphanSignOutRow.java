package io.cinestream.verify.model;

import java.time.Instant;

/**
 * An orphan_sign_outs row (docs/metrics.md#sessions): sign_outs without an open session in one
 * minute.
 *
 * @param minute start of the event-time minute [m, m+1min) (UTC)
 * @param orphanCount orphan sign_outs in that minute
 */
public record OrphanSignOutRow(Instant minute, long orphanCount) {}
