package io.cinestream.flink.functions;

import io.cinestream.flink.RegistrationMetricsJob;
import io.cinestream.flink.logic.RegistrationWindows;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.WindowPresence;
import java.time.Duration;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
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
 * <p>State per user: the 15-minute slots the user was counted in ({@code long[]}), until the last
 * window containing a slot has ended; the seen event ids ({@code long[]}, three longs per id) for
 * the dedup retention (24 h, rounded up to the hour); and the instant of the user's one pending
 * event-time timer ({@link SingleTimer}), at the earliest instant a slot or an id may be forgotten.
 * All of it is cleared when everything has been forgotten.
 *
 * <p>Output: presences emitted as soon as the registration is seen, with the event's timestamp; the
 * second stage holds them until the watermark passes the window's end.
 */
public class FirstPresenceInWindows extends KeyedProcessFunction<Integer, Event, WindowPresence> {

  private static final long serialVersionUID = 1L;
  private static final long[] NONE = new long[0];

  private final String jobName;
  private final Duration retention;
  private transient ValueState<long[]> seenSlots;
  private transient EventIdDedup dedup;
  private transient SingleTimer timer;

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
    seenSlots =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "seen-slots", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    dedup = new EventIdDedup(getRuntimeContext(), jobName, retention);
    timer = new SingleTimer(getRuntimeContext());
  }

  @Override
  public void processElement(Event event, Context ctx, Collector<WindowPresence> out)
      throws Exception {
    long watermark = ctx.timerService().currentWatermark();
    switch (dedup.admit(event, watermark)) {
      case DUPLICATE:
        return;
      case LATE:
        ctx.output(DeduplicateAndFlagLate.LATE, dedup.lateEvent(event, watermark));
        return;
      case ON_TIME:
      default:
        break;
    }
    timer.setIfEarlier(ctx.timerService(), dedup.forgetAt(event));
    long slot = RegistrationWindows.slotOf(event.eventTimeMs());
    long[] seen = seenSlots.value();
    if (seen == null) {
      seen = NONE;
    }
    int mask = RegistrationWindows.newWindows(slot, seen);
    if (mask == 0) {
      // Every window of this slot already counts the user: nothing to emit or remember.
      return;
    }
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
    long[] updated = Arrays.copyOf(seen, seen.length + 1);
    updated[seen.length] = slot;
    seenSlots.update(updated);
    timer.setIfEarlier(ctx.timerService(), RegistrationWindows.lastWindowEndMs(slot));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<WindowPresence> out)
      throws Exception {
    timer.fired();
    long next = Long.MAX_VALUE;
    long[] seen = seenSlots.value();
    if (seen != null) {
      long[] kept =
          Arrays.stream(seen)
              .filter(s -> RegistrationWindows.lastWindowEndMs(s) > timestamp)
              .toArray();
      if (kept.length == 0) {
        seenSlots.clear();
      } else {
        seenSlots.update(kept);
        for (long s : kept) {
          next = Math.min(next, RegistrationWindows.lastWindowEndMs(s));
        }
      }
    }
    dedup.expire(timestamp);
    timer.set(ctx.timerService(), Math.min(next, dedup.nextForgetAt()));
  }
}
