package io.cinestream.flink.model;

/**
 * A partial count of one window: {@code count} distinct users (from one key group) registered in
 * it. The first stage of the distinct count emits one per (user, window) with count 1.
 *
 * @param windowType {@code tumbling_1h} or {@code sliding_1h_15m}
 * @param windowStartMs inclusive window start, UTC ms
 * @param windowEndMs exclusive window end, UTC ms
 * @param count distinct users behind this partial
 */
public record WindowPresence(String windowType, long windowStartMs, long windowEndMs, long count) {

  /**
   * The key of the window this partial belongs to: {@code 2 * windowStartMs}, plus 1 for any type
   * other than {@code tumbling_1h} (window starts are whole milliseconds, so the pair (type, start)
   * maps to distinct keys; a {@code long} hashes and serializes cheaper than a string).
   */
  public long windowKey() {
    return 2 * windowStartMs + ("tumbling_1h".equals(windowType) ? 0 : 1);
  }
}
