package io.cinestream.flink.functions;

import io.cinestream.flink.logic.SeenEventIds;
import io.cinestream.flink.logic.SessionRules;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.SessionChange;
import io.cinestream.flink.model.UserState;
import io.cinestream.flink.model.UserStateSerializer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.TimerService;
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
 * <p>Timers: at most two per user (docs/benchmark.md#lazy-cleanup-timers). The work timer ({@code
 * UserState.timerAtMs}) is at the earliest pending event's instant or the open session's expiry,
 * whichever is first. A firing handles every instant the current watermark has passed, in
 * event-time order (the pending events of each instant, an expiry before or at it, the ids), then
 * sets the next work timer; each change is emitted with its own instant as timestamp. So a user's
 * events of one watermark step cost one firing, and a session whose sign_out is already pending
 * when its sign_in is applied never gets an expiry timer. The cleanup timer is at the instant the
 * oldest seen id may be forgotten: set with the first id, never moved later and re-armed when it
 * fires, so a returning user's new events neither delete nor re-register it (an out-of-order id
 * forgotten earlier adds an earlier one; the later one then fires and changes nothing).
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
 * retention, 24 h rounded up to the hour) and the work timer's instant. With no open session,
 * nothing pending and every id forgotten, the key holds no state and no timer (a cleanup timer left
 * behind by an out-of-order id fires into no state).
 */
public class SessionTracker extends KeyedProcessFunction<Integer, Event, SessionChange> {

  private static final long serialVersionUID = 1L;

  private static final Comparator<Event> BY_TIME = Comparator.comparingLong(Event::eventTimeMs);

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
    if (!dedup.firstOnTime(u == null ? SeenEventIds.NONE : u.seenIds, event, ctx)) {
      return;
    }
    if (u == null) {
      u = new UserState();
    }
    long cleanupBefore = SeenEventIds.nextForgetAt(u.seenIds);
    u.seenIds = dedup.remember(u.seenIds, event);
    long cleanup = Math.min(cleanupBefore, dedup.forgetAt(event)); // nextForgetAt of the new ids
    if (cleanup < cleanupBefore) {
      // The first id (or one forgotten earlier than the others, when out of order): the cleanup
      // timer. One set earlier stays; it fires, finds nothing due and changes nothing.
      ctx.timerService().registerEventTimeTimer(cleanup);
    }
    u.addPending(event);
    // The event is on time (after the watermark), so its instant is the earliest work of the key.
    if (u.timerAtMs == UserState.NONE || event.eventTimeMs() < u.timerAtMs) {
      moveWorkTimer(ctx.timerService(), u, event.eventTimeMs(), cleanup);
    }
    user.update(u);
  }

  @Override
  public void onTimer(long t, OnTimerContext ctx, Collector<SessionChange> out) throws Exception {
    UserState u = user.value();
    if (u == null) {
      return; // a cleanup timer left behind when the key was cleared
    }
    // Everything the watermark has passed is due, not only instant t: during a catch-up one
    // watermark step covers many minutes of event time, and a user's sign_in, sign_out and expiry
    // are handled in one firing instead of one each (docs/benchmark.md#one-firing-per-watermark).
    long now = ctx.timerService().currentWatermark();
    Event[] due = u.takePendingUpTo(now);
    Arrays.sort(due, BY_TIME);
    Long open = u.openSignInMs == UserState.NONE ? null : u.openSignInMs;
    int userId = ctx.getCurrentKey();
    for (int i = 0; i < due.length; ) {
      long instant = due[i].eventTimeMs();
      int j = i + 1;
      while (j < due.length && due[j].eventTimeMs() == instant) {
        j++;
      }
      open = emit(out, SessionRules.at(userId, instant, open, timeoutMs, sameInstant(due, i, j)));
      i = j;
    }
    if (open != null && open + timeoutMs <= now) {
      open = emit(out, SessionRules.at(userId, open + timeoutMs, open, timeoutMs, List.of()));
    }
    u.openSignInMs = open == null ? UserState.NONE : open;
    boolean cleanupDue = SeenEventIds.nextForgetAt(u.seenIds) <= now;
    u.seenIds = SeenEventIds.remainingAt(u.seenIds, now);
    if (u.timerAtMs <= now) {
      // The work timer has fired: this one, or an earlier one of this watermark advance.
      u.timerAtMs = UserState.NONE;
    }
    if (u.isEmpty()) {
      user.clear();
      return;
    }
    long cleanup = SeenEventIds.nextForgetAt(u.seenIds);
    if (cleanupDue && cleanup != Long.MAX_VALUE) {
      ctx.timerService().registerEventTimeTimer(cleanup);
    }
    long work = Math.min(u.nextPendingMs(), open == null ? Long.MAX_VALUE : open + timeoutMs);
    if (work != Long.MAX_VALUE && (u.timerAtMs == UserState.NONE || work < u.timerAtMs)) {
      moveWorkTimer(ctx.timerService(), u, work, cleanup);
    }
    user.update(u);
  }

  /**
   * Makes {@code atMs} the user's work timer ({@code u.timerAtMs}, through {@link
   * UserState#moveTimer}), leaving the pending one registered when it is also the cleanup timer at
   * {@code cleanupAtMs} (the same instant is one Flink timer).
   */
  private static void moveWorkTimer(TimerService timers, UserState u, long atMs, long cleanupAtMs) {
    if (u.timerAtMs == cleanupAtMs) {
      u.timerAtMs = UserState.NONE; // not deleted: the cleanup still needs it
    }
    UserState.moveTimer(timers, u, atMs);
  }

  /** {@code due[from, to)}: the events of one instant. */
  private static List<Event> sameInstant(Event[] due, int from, int to) {
    return from == 0 && to == due.length
        ? Arrays.asList(due)
        : Arrays.asList(Arrays.copyOfRange(due, from, to));
  }

  /**
   * Emits the changes of one step, each timestamped with its own instant ({@link
   * TimestampedOutput}: a firing handles several instants, and the orphan count per minute windows
   * on the record timestamp).
   *
   * @return the open session after the step, or null
   */
  private static Long emit(Collector<SessionChange> out, SessionRules.Step step) {
    for (SessionChange change : step.changes()) {
      TimestampedOutput.collectAt(out, change, change.timeMs());
    }
    return step.openSignInMs();
  }
}
