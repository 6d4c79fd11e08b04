package io.cinestream.flink.functions;

import io.cinestream.flink.RegistrationMetricsJob;
import io.cinestream.flink.logic.RegistrationWindows;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.WindowPresence;
import java.util.Arrays;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * First stage of the distinct count of registrations (DESIGN section 5), keyed by user_id: for each
 * registration, emits one {@link WindowPresence} with count 1 for every {@code tumbling_1h} and
 * {@code sliding_1h_15m} window this user is present in for the first time (normally all five
 * windows of the event's 15-minute slot; see {@link RegistrationWindows}). Summing these per window
 * ({@link SumWindowPresence}) counts each user once per window.
 *
 * <p>State per user: the 15-minute slots the user was counted in ({@code long[]}, one entry for a
 * user who registered once), and one event-time timer per slot at the last millisecond of the last
 * window containing it, which forgets the slot. This replaces two Flink window operators keyed by
 * user (one state entry and one timer per user and window, five of each per registration) by one
 * state entry and one timer per user.
 *
 * <p>Input: deduplicated on-time events (after {@link DeduplicateAndFlagLate}, whose lateness check
 * guarantees that an event never falls into a window this function has already forgotten). Output:
 * presences emitted as soon as the registration is seen, with the event's timestamp; the second
 * stage holds them until the watermark passes the window's end.
 */
public class FirstPresenceInWindows extends KeyedProcessFunction<Integer, Event, WindowPresence> {

  private static final long serialVersionUID = 1L;
  private static final long[] NONE = new long[0];

  private transient ValueState<long[]> seenSlots;

  @Override
  public void open(OpenContext openContext) {
    seenSlots =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "seen-slots", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
  }

  @Override
  public void processElement(Event event, Context ctx, Collector<WindowPresence> out)
      throws Exception {
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
    ctx.timerService().registerEventTimeTimer(RegistrationWindows.lastWindowEndMs(slot));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<WindowPresence> out)
      throws Exception {
    long[] seen = seenSlots.value();
    if (seen == null) {
      return;
    }
    long[] kept =
        Arrays.stream(seen)
            .filter(s -> RegistrationWindows.lastWindowEndMs(s) > timestamp)
            .toArray();
    if (kept.length == 0) {
      seenSlots.clear();
    } else {
      seenSlots.update(kept);
    }
  }
}
