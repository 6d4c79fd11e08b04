package io.cinestream.flink.functions;

import io.cinestream.flink.RegistrationMetricsJob;
import io.cinestream.flink.logic.RegistrationWindows;
import io.cinestream.flink.logic.SeenEventIds;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.UserState;
import io.cinestream.flink.model.UserStateSerializer;
import io.cinestream.flink.model.WindowPresence;
import java.time.Duration;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * First stage of the distinct count of registrations (docs/metrics.md#registration-windows), keyed
 * by user_id, with the job's deduplication and lateness check fused in ({@link EventIdDedup}:
 * duplicates of an event share its user_id, so no shuffle by event id is needed before this step).
 *
 * <p>For each on-time, first-seen registration, emits one {@link WindowPresence} with count 1 for
 * every {@code tumbling_1h} and {@code sliding_1h_15m} window this user is present in for the first
 * time (normally all five windows of the event's 15-minute slot; see {@link RegistrationWindows}).
 * Summing these per window ({@link SumWindowPresence}) counts each user once per window. Duplicates
 * are dropped; late registrations go to {@link DeduplicateAndFlagLate#LATE} and leave no state.
 *
 * <p>State per user: ONE {@link UserState} value (read once and written at most once per event and
 * per timer; docs/benchmark.md#where-the-flink-jobs-time-goes-now) holding the 15-minute slots the
 * user was counted in, at least until the last window containing a slot has ended; the seen event
 * ids (three longs per id) for the dedup retention (24 h, rounded up to the hour); and the instant
 * of the user's one pending event-time timer. That timer is a cleanup timer, set when the first
 * registration is seen at the instant everything it added may be dropped (its id's forget-at, a day
 * later, or its slot's last window end if later), and never moved later: when it fires it drops
 * what is due and re-arms at the next id's forget-at (docs/benchmark.md#lazy-cleanup-timers). A
 * registration costs one timer registration and one firing, instead of two of each. The value is
 * cleared when everything has been forgotten.
 *
 * <p>Output: presences emitted as soon as the registration is seen, with the event's timestamp; the
 * second stage holds them until the watermark passes the window's end.
 */
public class FirstPresenceInWindows extends KeyedProcessFunction<Integer, Event, WindowPresence> {

  private static final long serialVersionUID = 1L;

  private final String jobName;
  private final Duration retention;
  private transient ValueState<UserState> user;
  private transient EventIdDedup dedup;

  /**
   * @param jobName the {@code job} column of late events, e.g. {@code registration-metrics}
   * @param retention how long (event time) a seen event id is remembered at least; DESIGN: 24 h
   */
  public FirstPresenceInWindows(String jobName, Duration retention) {
    this.jobName = jobName;
    this.retention = retention;
  }

  @Override
  public void open(OpenContext openContext) {
    user =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("user-state", UserStateSerializer.INSTANCE));
    dedup = EventIdDedup.withCallerState(getRuntimeContext(), jobName, retention);
  }

  @Override
  public void processElement(Event event, Context ctx, Collector<WindowPresence> out)
      throws Exception {
    UserState u = user.value();
    if (!dedup.firstOnTime(u == null ? SeenEventIds.NONE : u.seenIds, event, ctx)) {
      return;
    }
    if (u == null) {
      u = new UserState();
    }
    u.seenIds = dedup.remember(u.seenIds, event);
    // The one cleanup timer: when everything this event added may be dropped (normally its id's
    // forget-at, a day later; its slot's windows end within 75 minutes).
    long next = dedup.forgetAt(event);
    long slot = RegistrationWindows.slotOf(event.eventTimeMs());
    int mask = RegistrationWindows.newWindows(slot, u.slots);
    // mask 0: every window of this slot already counts the user: nothing to emit or remember.
    if (mask != 0) {
      for (int bit = 0; bit < 5; bit++) {
        if ((mask & (1 << bit)) != 0) {
          long start = RegistrationWindows.windowStartMs(slot, bit);
          out.collect(
              new WindowPresence(
                  bit == RegistrationWindows.TUMBLING
                      ? RegistrationMetricsJob.TUMBLING_1H
                      : RegistrationMetricsJob.SLIDING_1H_15M,
                  start,
                  start + RegistrationWindows.WINDOW_MS,
                  1L));
        }
      }
      long[] slots = Arrays.copyOf(u.slots, u.slots.length + 1);
      slots[u.slots.length] = slot;
      u.slots = slots;
      next = Math.max(next, RegistrationWindows.lastWindowEndMs(slot));
    }
    // A pending timer at or before `next` stays: when it fires it re-arms for what is left
    // (moving it to every event's own deadline cost a timer deletion and registration each).
    if (u.timerAtMs == UserState.NONE || next < u.timerAtMs) {
      UserState.moveTimer(ctx.timerService(), u, next);
    }
    user.update(u);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<WindowPresence> out)
      throws Exception {
    UserState u = user.value();
    if (u == null) {
      return; // not ours: every timer of this function is set together with its state
    }
    u.timerAtMs = UserState.NONE; // the timer that fired is no longer pending
    long next = Long.MAX_VALUE;
    int kept = 0;
    long[] slots = new long[u.slots.length];
    for (long s : u.slots) {
      long end = RegistrationWindows.lastWindowEndMs(s);
      if (end > timestamp) {
        slots[kept++] = s;
        next = Math.min(next, end);
      }
    }
    u.slots = kept == 0 ? SeenEventIds.NONE : Arrays.copyOf(slots, kept);
    u.seenIds = SeenEventIds.remainingAt(u.seenIds, timestamp);
    if (u.isEmpty()) {
      user.clear();
      return;
    }
    // Re-armed at the next id's forget-at; slots outliving every id (a retention shorter than a
    // window) at the earliest slot end. A slot kept past its end is harmless: no on-time event can
    // share a window with it (see RegistrationWindows#lastWindowEndMs).
    UserState.moveTimer(
        ctx.timerService(), u, u.seenIds.length > 0 ? SeenEventIds.nextForgetAt(u.seenIds) : next);
    user.update(u);
  }
}
