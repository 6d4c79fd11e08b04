package io.cinestream.flink.functions;

import io.cinestream.flink.logic.SeenEventIds;
import io.cinestream.flink.logic.SessionRules;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.SessionChange;
import io.cinestream.flink.model.UserState;
import io.cinestream.flink.model.UserStateSerializer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Tracks each user's session (keyed by user_id) with {@link SessionRules}, in event-time order,
 * with the job's deduplication and lateness check fused in ({@link EventIdDedup}: duplicates of an
 * event share its user_id, so no shuffle by event id is needed before this step).
 *
 * <p>Input: sign_in/sign_out {@link Event}s, possibly out of order and repeated. Duplicates are
 * dropped, late events go to {@link DeduplicateAndFlagLate#LATE} and leave no state. Each on-time
 * event is appended to the user's pending events; when the watermark passes an instant, every
 * pending event of the user at that instant is applied in {@link SessionRules#SAME_INSTANT_ORDER},
 * so arrival order never matters. The open session expires at sign_in + timeout.
 *
 * <p>Timers: ONE pending event-time timer per user, at the earliest of: the earliest pending
 * event's instant, the open session's expiry, the instant the oldest seen id may be forgotten. Each
 * firing handles exactly its instant (its events, the expiry, the ids) and sets the next, so every
 * change is emitted with its own instant as timestamp.
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
 * <p>State per user: ONE {@link UserState} value (read once and written once per event and per
 * timer; docs/benchmark.md#where-the-flink-jobs-time-goes-now): the open session's sign_in (cleared
 * on close/expiry), the pending events (removed when applied), the seen ids (for the dedup
 * retention, 24 h rounded up to the hour) and the pending timer's instant. With no open session,
 * nothing pending and every id forgotten, the key holds no state and no timer.
 */
public class SessionTracker extends KeyedProcessFunction<Integer, Event, SessionChange> {

  private static final long serialVersionUID = 1L;

  private final String jobName;
  private final long timeoutMs;
  private final Duration retention;
  private transient ValueState<UserState> user;
  private transient EventIdDedup dedup;

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
    user =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("user-state", UserStateSerializer.INSTANCE));
    dedup = EventIdDedup.withCallerState(getRuntimeContext(), jobName, retention);
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
    UserState u = user.value();
    switch (dedup.judge(u == null ? SeenEventIds.NONE : u.seenIds, event, watermark)) {
      case DUPLICATE:
        return;
      case LATE:
        ctx.output(DeduplicateAndFlagLate.LATE, dedup.lateEvent(event, watermark));
        return;
      case ON_TIME:
      default:
        break;
    }
    if (u == null) {
      u = new UserState();
    }
    u.seenIds = dedup.remember(u.seenIds, event);
    u.addPending(event);
    // The event is on time (after the watermark) and the id's expiry is a day later, so the
    // event's instant is the earliest new need of this key.
    if (u.timerAtMs == UserState.NONE || event.eventTimeMs() < u.timerAtMs) {
      UserState.moveTimer(ctx.timerService(), u, event.eventTimeMs());
    }
    user.update(u);
  }

  @Override
  public void onTimer(long t, OnTimerContext ctx, Collector<SessionChange> out) throws Exception {
    UserState u = user.value();
    if (u == null) {
      return; // not ours: every timer of this function is set together with its state
    }
    u.timerAtMs = UserState.NONE; // the timer that fired is no longer pending
    Event[] atT = u.takePendingUpTo(t);
    Long before = u.openSignInMs == UserState.NONE ? null : u.openSignInMs;
    if (atT.length > 0 || (before != null && before + timeoutMs <= t)) {
      List<Event> events = atT.length == 0 ? List.of() : Arrays.asList(atT);
      SessionRules.Step step = SessionRules.at(ctx.getCurrentKey(), t, before, timeoutMs, events);
      for (SessionChange change : step.changes()) {
        out.collect(change);
      }
      Long after = step.openSignInMs();
      u.openSignInMs = after == null ? UserState.NONE : after;
    }
    u.seenIds = SeenEventIds.remainingAt(u.seenIds, t);
    if (u.isEmpty()) {
      user.clear();
      return;
    }
    long expiry = u.openSignInMs == UserState.NONE ? Long.MAX_VALUE : u.openSignInMs + timeoutMs;
    long next = Math.min(u.nextPendingMs(), Math.min(expiry, SeenEventIds.nextForgetAt(u.seenIds)));
    UserState.moveTimer(ctx.timerService(), u, next);
    user.update(u);
  }
}
