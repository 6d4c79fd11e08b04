package io.cinestream.flink.functions;

import io.cinestream.flink.logic.SessionTickStats;
import io.cinestream.flink.logic.SessionTickStats.Completions;
import io.cinestream.flink.logic.SessionTickStats.OpenSessions;
import io.cinestream.flink.model.SessionChange;
import io.cinestream.flink.model.SessionChange.Kind;
import io.cinestream.flink.model.SessionMetric;
import io.cinestream.flink.time.EventTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Emits one {@code session_metrics} row per event-time minute tick (DESIGN section 5) from the
 * session changes of all users (a single key: the metrics are global).
 *
 * <p>Ticks: the minute boundaries T from the first boundary at or after the earliest sign_in /
 * sign_out event up to the last boundary the DESIGN watermark (max event time seen - max
 * out-of-orderness) has reached (T <= watermark). Each tick is an event-time timer; the next one is
 * registered only while it is within that bound, so at the end of a bounded input (where Flink's
 * watermark jumps to +infinity) the ticks stop at the data's own watermark instead of running on.
 *
 * <p>Changes may arrive ahead of the watermark (from another tracker subtask), so they are buffered
 * by instant and applied when tick T fires: exactly the changes at instants <= T count at T.
 *
 * <p>State (one key): changes not yet applied (removed when applied), the open-session totals,
 * completion buckets of the last hour (evicted as ticks pass), and four longs of tick bookkeeping.
 */
public class SessionMinuteTicks
    extends KeyedProcessFunction<Integer, SessionChange, SessionMetric> {

  private static final long serialVersionUID = 1L;

  private final long maxOutOfOrdernessMs;
  private transient MapState<Long, List<SessionChange>> pending;
  private transient ValueState<OpenSessions> open;
  private transient MapState<Long, Completions> completions;
  private transient ValueState<Long> minEventMs;
  private transient ValueState<Long> maxEventMs;
  private transient ValueState<Long> lastTickMs;
  private transient ValueState<Long> nextTickMs;

  /**
   * @param maxOutOfOrderness the watermark delay of DESIGN section 5 (default 2 min)
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
                    "pending-changes",
                    Types.LONG,
                    Types.LIST(TypeInformation.of(SessionChange.class))));
    open =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "open-sessions", TypeInformation.of(OpenSessions.class)));
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
  public void processElement(SessionChange change, Context ctx, Collector<SessionMetric> out)
      throws Exception {
    List<SessionChange> atT = pending.get(change.timeMs());
    List<SessionChange> updated = atT == null ? new ArrayList<>() : new ArrayList<>(atT);
    updated.add(change);
    pending.put(change.timeMs(), updated);
    if (change.fromEvent()) {
      Long min = minEventMs.value();
      if (min == null || change.timeMs() < min) {
        minEventMs.update(change.timeMs());
      }
      Long max = maxEventMs.value();
      if (max == null || change.timeMs() > max) {
        maxEventMs.update(change.timeMs());
      }
    }
    scheduleNextTick(ctx.timerService());
  }

  @Override
  public void onTimer(long tick, OnTimerContext ctx, Collector<SessionMetric> out)
      throws Exception {
    nextTickMs.clear();
    List<Long> due = new ArrayList<>();
    for (Long instant : pending.keys()) {
      if (instant <= tick) {
        due.add(instant);
      }
    }
    OpenSessions totals = open.value() == null ? OpenSessions.NONE : open.value();
    for (Long instant : due) {
      for (SessionChange c : pending.get(instant)) {
        totals = totals.apply(c);
        if (c.kind() == Kind.CLOSED) {
          long bucket = SessionTickStats.completionBucket(c.timeMs());
          Completions b = completions.get(bucket);
          completions.put(
              bucket, (b == null ? new Completions(0, 0) : b).plus(c.timeMs() - c.signInMs()));
        }
      }
      pending.remove(instant);
    }
    open.update(totals);
    List<Long> expired = new ArrayList<>();
    for (Long bucket : completions.keys()) {
      if (bucket <= tick - SessionTickStats.COMPLETION_WINDOW_MS) {
        expired.add(bucket);
      }
    }
    for (Long bucket : expired) {
      completions.remove(bucket);
    }
    out.collect(SessionTickStats.metricAt(tick, totals, completions.entries()));
    lastTickMs.update(tick);
    scheduleNextTick(ctx.timerService());
  }

  private void scheduleNextTick(org.apache.flink.streaming.api.TimerService timers)
      throws Exception {
    Long min = minEventMs.value();
    if (min == null) {
      return;
    }
    Long last = lastTickMs.value();
    long desired = last == null ? EventTime.ceilMinute(min) : last + EventTime.MINUTE_MS;
    if (desired > maxEventMs.value() - maxOutOfOrdernessMs) {
      return;
    }
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
