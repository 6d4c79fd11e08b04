package io.cinestream.flink.functions;

import io.cinestream.flink.logic.SessionRules;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.SessionChange;
import io.cinestream.flink.model.SessionChange.Kind;
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
 * Tracks each user's session (keyed by user_id) with {@link SessionRules}, in event-time order.
 *
 * <p>Input: deduplicated, on-time sign_in/sign_out {@link Event}s, possibly out of order. Each
 * event is buffered under its event time with an event-time timer there; when the watermark passes
 * that instant, every event of the user at that instant is applied in {@link
 * SessionRules#SAME_INSTANT_ORDER}, so arrival order never matters. The open session's expiry is an
 * event-time timer at sign_in + timeout.
 *
 * <p>Output: one {@link SessionChange} per event (OPENED, IGNORED_SIGN_IN, CLOSED, ORPHAN_SIGN_OUT)
 * plus EXPIRED at sign_in + timeout, each timestamped with its instant.
 *
 * <p>State: the open session's sign_in (cleared on close/expiry) and the buffered events per
 * instant (removed when applied). With no open session and nothing buffered, the key holds no state
 * and no timer.
 */
public class SessionTracker extends KeyedProcessFunction<Integer, Event, SessionChange> {

  private static final long serialVersionUID = 1L;

  private final long timeoutMs;
  private transient ValueState<Long> openSignIn;
  private transient MapState<Long, List<Event>> pending;

  /**
   * @param timeout session timeout after sign_in (DESIGN default 2 h)
   */
  public SessionTracker(Duration timeout) {
    this.timeoutMs = timeout.toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    openSignIn =
        getRuntimeContext().getState(new ValueStateDescriptor<>("open-sign-in", Types.LONG));
    pending =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "pending-events", Types.LONG, Types.LIST(TypeInformation.of(Event.class))));
  }

  @Override
  public void processElement(Event event, Context ctx, Collector<SessionChange> out)
      throws Exception {
    long t = event.eventTimeMs();
    List<Event> atT = pending.get(t);
    List<Event> updated = atT == null ? new ArrayList<>() : new ArrayList<>(atT);
    updated.add(event);
    pending.put(t, updated);
    ctx.timerService().registerEventTimeTimer(t);
  }

  @Override
  public void onTimer(long t, OnTimerContext ctx, Collector<SessionChange> out) throws Exception {
    List<Event> atT = pending.get(t);
    pending.remove(t);
    Long before = openSignIn.value();
    SessionRules.Step step =
        SessionRules.at(ctx.getCurrentKey(), t, before, timeoutMs, atT == null ? List.of() : atT);
    for (SessionChange change : step.changes()) {
      out.collect(change);
      if (change.kind() == Kind.CLOSED) {
        dropExpiryTimer(ctx, change.signInMs() + timeoutMs);
      }
    }
    Long after = step.openSignInMs();
    if (after == null) {
      openSignIn.clear();
    } else if (!after.equals(before)) {
      openSignIn.update(after);
      ctx.timerService().registerEventTimeTimer(after + timeoutMs);
    }
  }

  private void dropExpiryTimer(OnTimerContext ctx, long expiry) throws Exception {
    // The same instant may also hold buffered events, whose timer is the same timer.
    if (!pending.contains(expiry)) {
      ctx.timerService().deleteEventTimeTimer(expiry);
    }
  }
}
