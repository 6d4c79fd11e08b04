package io.cinestream.flink.functions;

import io.cinestream.flink.logic.SessionTickStats;
import io.cinestream.flink.logic.SessionTickStats.Completions;
import io.cinestream.flink.logic.SessionTickStats.OpenSessions;
import io.cinestream.flink.model.SessionMetric;
import io.cinestream.flink.model.SessionTickPartial;
import io.cinestream.flink.time.EventTime;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Second phase of the per-minute session aggregates: combines the per-subtask partials ({@link
 * SessionTickPartials}) of all users (a single key: the metrics are global) and emits one {@code
 * session_metrics} row per event-time minute tick (docs/metrics.md#sessions).
 *
 * <p>Ticks: the minute boundaries T from the first boundary at or after the earliest sign_in /
 * sign_out event up to the last boundary the DESIGN watermark W (max event time seen - max
 * out-of-orderness, watermark tick records included) has passed: T < W, i.e. T <= W - 1 ms.
 * "Passed" is strict because a tick is final only once an event at T would be late (an event
 * exactly at W is on time), which is also what Flink's own watermark (W - 1 ms) and Spark's (W - 1
 * ms) give: so Flink, Spark and the reference emit the same ticks, in live and bounded runs alike.
 * Each tick is an event-time timer, and the next one is always registered: while the input runs,
 * Flink's watermark reaching T already implies T < W. At the end of a bounded input Flink's
 * watermark jumps to +infinity, and then a tick fires only while T < max seen - max
 * out-of-orderness, the max seen being that of every partial (all have arrived by then: each first
 * phase flushes its partials before forwarding the final watermark); the max includes the watermark
 * ticks ({@link io.cinestream.flink.model.SessionChange.Kind#WATERMARK_TICK}), so a tick record far
 * after the data makes every minute up to it a row, whatever the gap.
 *
 * <p>Tick T applies the combined partial of bucket T (the changes at instants in (T - 1 min, T]:
 * with the earlier buckets already applied, exactly the changes at instants <= T count at T) and
 * evicts the completions of bucket T - 1 h, keeping running totals: the work per tick is constant,
 * whatever the number of users or of pending buckets, and a minute without changes costs one row.
 *
 * <p>State (one key): the combined partials of buckets not yet ticked (a map entry per bucket), the
 * running totals (open sessions; completions of the last hour), the completions of each of the last
 * 60 buckets (for their eviction), and four longs of tick bookkeeping.
 */
public class SessionMinuteTicks
    extends KeyedProcessFunction<Integer, SessionTickPartial, SessionMetric> {

  private static final long serialVersionUID = 1L;

  private final long maxOutOfOrdernessMs;
  private transient MapState<Long, SessionTickPartial> pending;
  private transient ValueState<OpenSessions> open;
  private transient ValueState<Completions> lastHour;
  private transient MapState<Long, Completions> completions;
  private transient ValueState<Long> minEventMs;
  private transient ValueState<Long> maxEventMs;
  private transient ValueState<Long> lastTickMs;
  private transient ValueState<Long> nextTickMs;

  /**
   * @param maxOutOfOrderness the watermark delay of docs/metrics.md#sessions (default 2 min)
   */
  public SessionMinuteTicks(Duration maxOutOfOrderness) {
    this.maxOutOfOrdernessMs = maxOutOfOrderness.toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    pending =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "pending-partials", Types.LONG, TypeInformation.of(SessionTickPartial.class)));
    open =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "open-sessions", TypeInformation.of(OpenSessions.class)));
    lastHour =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "completions-last-hour", TypeInformation.of(Completions.class)));
    completions =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "completions", Types.LONG, TypeInformation.of(Completions.class)));
    minEventMs = getRuntimeContext().getState(new ValueStateDescriptor<>("min-event", Types.LONG));
    maxEventMs = getRuntimeContext().getState(new ValueStateDescriptor<>("max-event", Types.LONG));
    lastTickMs = getRuntimeContext().getState(new ValueStateDescriptor<>("last-tick", Types.LONG));
    nextTickMs = getRuntimeContext().getState(new ValueStateDescriptor<>("next-tick", Types.LONG));
  }

  @Override
  public void processElement(SessionTickPartial partial, Context ctx, Collector<SessionMetric> out)
      throws Exception {
    SessionTickPartial before = pending.get(partial.bucketMs());
    pending.put(partial.bucketMs(), before == null ? partial : before.merge(partial));
    if (partial.hasEvents()) {
      Long min = minEventMs.value();
      if (min == null || partial.minEventMs() < min) {
        minEventMs.update(partial.minEventMs());
      }
    }
    if (partial.hasSeen()) {
      Long max = maxEventMs.value();
      if (max == null || partial.maxEventMs() > max) {
        maxEventMs.update(partial.maxEventMs());
      }
    }
    scheduleNextTick(ctx.timerService());
  }

  @Override
  public void onTimer(long tick, OnTimerContext ctx, Collector<SessionMetric> out)
      throws Exception {
    nextTickMs.clear();
    if (ctx.timerService().currentWatermark() == Long.MAX_VALUE
        && tick >= maxEventMs.value() - maxOutOfOrdernessMs) {
      // End of a bounded input: W = max seen - max out-of-orderness has not passed this tick, and
      // never will (no input is left). No further tick.
      return;
    }
    OpenSessions totals = open.value() == null ? OpenSessions.NONE : open.value();
    Completions hour = lastHour.value() == null ? Completions.NONE : lastHour.value();
    SessionTickPartial due = pending.get(tick);
    if (due != null) {
      pending.remove(tick);
      totals =
          new OpenSessions(
              totals.count() + due.openDelta(), totals.signInSumMs() + due.signInSumDeltaMs());
      if (due.completed() > 0) {
        Completions bucket = new Completions(due.completed(), due.durationSumMs());
        completions.put(tick, bucket);
        hour = hour.plus(bucket);
      }
    }
    long evicted = tick - SessionTickStats.COMPLETION_WINDOW_MS;
    Completions gone = completions.get(evicted);
    if (gone != null) {
      completions.remove(evicted);
      hour = hour.minus(gone);
    }
    open.update(totals);
    lastHour.update(hour);
    out.collect(SessionTickStats.metricAt(tick, totals, hour));
    lastTickMs.update(tick);
    scheduleNextTick(ctx.timerService());
  }

  private void scheduleNextTick(TimerService timers) throws Exception {
    Long min = minEventMs.value();
    if (min == null) {
      return;
    }
    Long last = lastTickMs.value();
    long desired = last == null ? EventTime.ceilMinute(min) : last + EventTime.MINUTE_MS;
    Long next = nextTickMs.value();
    if (next != null && next == desired) {
      return;
    }
    if (next != null) {
      timers.deleteEventTimeTimer(next);
    }
    timers.registerEventTimeTimer(desired);
    nextTickMs.update(desired);
  }
}
