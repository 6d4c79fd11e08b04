package io.cinestream.flink.functions;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * At most one pending event-time timer per key: a keyed function that owns all of its key's timers
 * computes the one instant it next needs and {@link #set}s it, which moves the timer there (the
 * timer queue then holds one entry per active key instead of one per event or slot). State: the
 * pending instant ({@code Long}), cleared when none is pending.
 */
final class SingleTimer {

  private final ValueState<Long> at;

  SingleTimer(RuntimeContext ctx) {
    at = ctx.getState(new ValueStateDescriptor<>("next-timer", Types.LONG));
  }

  /** The pending instant, {@link Long#MAX_VALUE} when none. */
  long pending() throws Exception {
    Long current = at.value();
    return current == null ? Long.MAX_VALUE : current;
  }

  /**
   * Moves the pending timer to {@code instantMs} when that is earlier (or none is pending): for a
   * new need of the key, while the needs already known keep the pending timer at or before them.
   */
  void setIfEarlier(TimerService timers, long instantMs) throws Exception {
    if (instantMs < pending()) {
      set(timers, instantMs);
    }
  }

  /** To call first in {@code onTimer}: the timer that fired is no longer pending. */
  void fired() {
    at.clear();
  }

  /**
   * Makes {@code instantMs} the key's only pending timer; {@link Long#MAX_VALUE} means none.
   *
   * @param timers the key's timer service
   * @param instantMs event time, UTC ms
   */
  void set(TimerService timers, long instantMs) throws Exception {
    Long current = at.value();
    if (current != null && current == instantMs) {
      return;
    }
    if (current != null) {
      timers.deleteEventTimeTimer(current);
    }
    if (instantMs == Long.MAX_VALUE) {
      at.clear();
    } else {
      timers.registerEventTimeTimer(instantMs);
      at.update(instantMs);
    }
  }
}
