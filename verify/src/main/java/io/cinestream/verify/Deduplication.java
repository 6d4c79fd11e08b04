package io.cinestream.verify;

import io.cinestream.verify.model.RawEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The first step of every metric (docs/metrics.md#deduplication): drop duplicate events by
 * event_id. The raw tables key on event_id already, so this only matters for lists built elsewhere
 * (tests).
 */
public final class Deduplication {

  private Deduplication() {}

  /**
   * Keeps the first event of each event_id, in input order.
   *
   * @param events events, possibly with repeated event ids
   * @return a new list without repeated event ids
   */
  public static List<RawEvent> distinctByEventId(List<RawEvent> events) {
    Set<String> seen = new HashSet<>();
    List<RawEvent> out = new ArrayList<>();
    for (RawEvent e : events) {
      if (seen.add(e.eventId())) {
        out.add(e);
      }
    }
    return out;
  }
}
