package io.cinestream.flink.functions;

import io.cinestream.flink.logic.SessionRules;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.SessionChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Tracks each user's session (keyed by user_id) with {@link SessionRules}, in event-time order,
 * with the job's deduplication and lateness check fused in ({@link EventIdDedup}: duplicates of an
 * event share its user_id, so no shuffle by event id is needed before this step).
 *
 * <p>Input: sign_in/sign_out {@link Event}s, possibly out of order and repeated. Duplicates are
 * dropped, late events go to {@link DeduplicateAndFlagLate#LATE} and leave no state. Each on-time
 * event is appended to the user's pending list (an append: no list is read or copied per event);
 * when the watermark passes an instant, every pending event of the user at that instant is applied
 * in {@link SessionRules#SAME_INSTANT_ORDER}, so arrival order never matters. The open session
 * expires at sign_in + timeout.
 *
 * <p>Timers: ONE pending event-time timer per user ({@link SingleTimer}), at the earliest of: the
 * earliest pending event's instant, the open session's expiry, the instant the oldest seen id may
 * be forgotten. Each firing handles exactly its instant (its events, the expiry, the ids) and sets
 * the next, so every change is emitted with its own instant as timestamp.
 *
 * <p>Output: one {@link SessionChange} per event (OPENED, IGNORED_SIGN_IN, CLOSED, ORPHAN_SIGN_OUT)
 * plus EXPIRED at sign_in + timeout, each timestamped with its instant.
 *
 * <p>Watermark ticks ({@link Event#isWatermarkTick()}, user 0, which no real user has) reach this
 * step too: the session ticks run up to the last minute boundary the watermark has passed,
 * watermark tick records included (docs/metrics.md#sessions), so the tick's time must reach the
 * global tick operator. A tick ahead of the watermark becomes one {@link
 * SessionChange.Kind#WATERMARK_TICK} change at once (no state, no timer, no dedup: it has no event
 * id); a tick at or behind the watermark is dropped, since it cannot raise the max event time seen
 * (the watermark trails that max by more than a millisecond) and its minute bucket may already have
 * been sent on.
 *
 * <p>State per user: the open session's sign_in (cleared on close/expiry), the pending events
 * (cleared when applied), the seen ids (for the dedup retention, 24 h rounded up to the hour) and
 * the pending timer's instant. With no open session, nothing pending and every id forgotten, the
 * key holds no state and no timer.
 */
public class SessionTracker extends KeyedProcessFunction<Integer, Event, SessionChange> {

  private static final long serialVersionUID = 1L;

  private final String jobName;
  private final long timeoutMs;
  private final Duration retention;
  private transient ValueState<Long> openSignIn;
  private transient ListState<Event> pending;
  private transient EventIdDedup dedup;
  private transient SingleTimer timer;

  /**
   * @param jobName the {@code job} column of late events, e.g. {@code session-metrics}
   * @param timeout session timeout after sign_in (DESIGN default 2 h)
   * @param retention how long (event time) a seen event id is remembered at least; DESIGN: 24 h
   */
  public SessionTracker(String jobName, Duration timeout, Duration retention) {
    this.jobName = jobName;
    this.timeoutMs = timeout.toMillis();
    this.retention = retention;
  }

  @Override
  public void open(OpenContext openContext) {
    openSignIn =
        getRuntimeContext().getState(new ValueStateDescriptor<>("open-sign-in", Types.LONG));
    pending =
        getRuntimeContext()
            .getListState(
                new ListStateDescriptor<>("pending-events", TypeInformation.of(Event.class)));
    dedup = new EventIdDedup(getRuntimeContext(), jobName, retention);
    timer = new SingleTimer(getRuntimeContext());
  }

  @Override
  public void processElement(Event event, Context ctx, Collector<SessionChange> out)
      throws Exception {
    long watermark = ctx.timerService().currentWatermark();
    if (event.isWatermarkTick()) {
      if (event.eventTimeMs() > watermark) {
        out.collect(SessionChange.watermarkTick(event.eventTimeMs()));
      }
      return;
    }
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
    pending.add(event);
    // The event is on time (after the watermark) and the id's expiry is a day later, so the
    // event's instant is the earliest new need of this key.
    timer.setIfEarlier(ctx.timerService(), event.eventTimeMs());
  }

  @Override
  public void onTimer(long t, OnTimerContext ctx, Collector<SessionChange> out) throws Exception {
    timer.fired();
    List<Event> atT = new ArrayList<>();
    List<Event> later = new ArrayList<>();
    long nextPending = Long.MAX_VALUE;
    Iterable<Event> all = pending.get();
    if (all != null) {
      for (Event e : all) {
        if (e.eventTimeMs() <= t) {
          atT.add(e);
        } else {
          later.add(e);
          nextPending = Math.min(nextPending, e.eventTimeMs());
        }
      }
    }
    if (!atT.isEmpty()) {
      if (later.isEmpty()) {
        pending.clear();
      } else {
        pending.update(later);
      }
    }
    Long before = openSignIn.value();
    if (!atT.isEmpty() || (before != null && before + timeoutMs <= t)) {
      SessionRules.Step step = SessionRules.at(ctx.getCurrentKey(), t, before, timeoutMs, atT);
      for (SessionChange change : step.changes()) {
        out.collect(change);
      }
      Long after = step.openSignInMs();
      if (after == null) {
        openSignIn.clear();
      } else if (!after.equals(before)) {
        openSignIn.update(after);
      }
      before = after;
    }
    dedup.expire(t);
    long expiry = before == null ? Long.MAX_VALUE : before + timeoutMs;
    timer.set(ctx.timerService(), Math.min(nextPending, Math.min(expiry, dedup.nextForgetAt())));
  }
}
