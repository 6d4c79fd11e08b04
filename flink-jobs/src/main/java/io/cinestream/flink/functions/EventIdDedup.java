package io.cinestream.flink.functions;

import io.cinestream.flink.logic.SeenEventIds;
import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.LateEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.OutputTag;

/**
 * The first step of every job (docs/metrics.md#deduplication) as a part of a per-user keyed
 * function: drops repeated event ids and diverts events behind the watermark, without a shuffle of
 * its own (duplicates of an event share its user_id, so the user's key sees every copy).
 *
 * <ul>
 *   <li>Duplicates: an id seen within the retention (24 h of event time by default, expiry rounded
 *       up to the hour, see {@link SeenEventIds}) is dropped and counted ({@code duplicateEvents}).
 *       State: one {@code long[]} per user, three longs per id.
 *   <li>Late: an event with event time <= the operator's current watermark (DESIGN's watermark is
 *       max event time - max_out_of_orderness) goes to {@link #LATE} as a {@link LateEvent}
 *       (counted in {@code lateEvents}) and nowhere else; it creates no state (the late-event table
 *       is insert-if-absent on event_id, so a late duplicate writes nothing new).
 * </ul>
 *
 * <p>The owning function expires ids with {@link #expire} from its own single per-user timer, which
 * it sets no later than {@link #nextForgetAt}: this class registers no timer itself.
 */
final class EventIdDedup {

  /** Events that arrived behind the watermark. */
  static final OutputTag<LateEvent> LATE =
      new OutputTag<>("late-events", TypeInformation.of(LateEvent.class));

  private final String jobName;
  private final long retentionMs;
  private final ValueState<long[]> seen;
  private final Counter duplicates;
  private final Counter late;

  /**
   * @param ctx the owning function's runtime context (keyed)
   * @param jobName written into each {@link LateEvent}
   * @param retention how long (event time) a seen id is remembered at least; DESIGN: 24 h
   */
  EventIdDedup(RuntimeContext ctx, String jobName, Duration retention) {
    this(ctx, jobName, retention, true);
  }

  private EventIdDedup(RuntimeContext ctx, String jobName, Duration retention, boolean ownState) {
    this.jobName = jobName;
    this.retentionMs = retention.toMillis();
    this.seen =
        ownState
            ? ctx.getState(
                new ValueStateDescriptor<>(
                    "seen-event-ids", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO))
            : null;
    this.duplicates = ctx.getMetricGroup().counter("duplicateEvents");
    this.late = ctx.getMetricGroup().counter("lateEvents");
  }

  /**
   * A dedup whose caller keeps the seen ids in its own keyed value (one state per key instead of
   * two): use {@link #firstOnTime} (or {@link #judge}), {@link #remember} and {@link #forgetAt};
   * {@link #admit}, {@link #expire} and {@link #nextForgetAt} then throw {@link
   * IllegalStateException}.
   */
  static EventIdDedup withCallerState(RuntimeContext ctx, String jobName, Duration retention) {
    return new EventIdDedup(ctx, jobName, retention, false);
  }

  /**
   * Decides what happens to {@code event} given the key's seen ids, and counts duplicates and late
   * events; remembers nothing (the caller adds the id with {@link #remember} when the verdict is
   * {@link Verdict#ON_TIME}).
   *
   * @param ids the key's seen ids ({@link SeenEventIds} layout, never null)
   * @param event a deduplication candidate of the current key
   * @param watermark the operator's current watermark ({@link Long#MIN_VALUE} before the first)
   */
  Verdict judge(long[] ids, Event event, long watermark) {
    if (SeenEventIds.contains(ids, event.idHi(), event.idLo())) {
      duplicates.inc();
      return Verdict.DUPLICATE;
    }
    if (watermark != Long.MIN_VALUE && event.eventTimeMs() <= watermark) {
      late.inc();
      return Verdict.LATE;
    }
    return Verdict.ON_TIME;
  }

  /**
   * {@link #judge} for a keyed function: true when {@code event} is the first copy and on time (the
   * caller then {@link #remember}s it and processes it); a duplicate is dropped, a late event sent
   * to {@link #LATE} through {@code ctx}.
   *
   * @param ids the key's seen ids ({@link SeenEventIds} layout, never null)
   * @param event a deduplication candidate of the current key
   * @param ctx the calling function's context (its watermark and side outputs)
   */
  boolean firstOnTime(long[] ids, Event event, KeyedProcessFunction<?, ?, ?>.Context ctx) {
    long watermark = ctx.timerService().currentWatermark();
    return switch (judge(ids, event, watermark)) {
      case ON_TIME -> true;
      case DUPLICATE -> false;
      case LATE -> {
        ctx.output(LATE, lateEvent(event, watermark));
        yield false;
      }
    };
  }

  private ValueState<long[]> own() {
    if (seen == null) {
      throw new IllegalStateException("this dedup's ids are kept by its caller");
    }
    return seen;
  }

  /** What {@link #admit} decided. */
  enum Verdict {
    /** First copy, on time: process it. */
    ON_TIME,
    /** A repeated id: dropped. */
    DUPLICATE,
    /** Behind the watermark: the caller sends {@link #lateEvent} to {@link #LATE}. */
    LATE
  }

  /**
   * Decides what happens to {@code event} and remembers its id when it is on time.
   *
   * @param event a deduplication candidate of the current key
   * @param watermark the operator's current watermark ({@link Long#MIN_VALUE} before the first)
   */
  Verdict admit(Event event, long watermark) throws Exception {
    long[] ids = own().value();
    if (ids == null) {
      ids = SeenEventIds.NONE;
    }
    Verdict verdict = judge(ids, event, watermark);
    if (verdict == Verdict.ON_TIME) {
      seen.update(remember(ids, event));
    }
    return verdict;
  }

  /**
   * {@code ids} with the id of {@code event} added, to be forgotten at {@link #forgetAt}: what to
   * keep after an {@link Verdict#ON_TIME} verdict.
   *
   * @param ids the key's seen ids ({@link SeenEventIds} layout, never null); not modified
   */
  long[] remember(long[] ids, Event event) {
    return SeenEventIds.with(ids, event.idHi(), event.idLo(), forgetAt(event));
  }

  /** When the id of {@code event} may be forgotten, UTC ms (see {@link SeenEventIds#forgetAt}). */
  long forgetAt(Event event) {
    return SeenEventIds.forgetAt(event.eventTimeMs(), retentionMs);
  }

  /** The late-event row of {@code event} seen at {@code watermark} (DESIGN's watermark = +1). */
  LateEvent lateEvent(Event event, long watermark) {
    return new LateEvent(
        jobName, event.eventId(), event.topic(), event.eventTimeMs(), watermark + 1);
  }

  /**
   * Forgets the ids whose time has come at event time {@code nowMs}; clears the state if none is
   * left.
   */
  void expire(long nowMs) throws Exception {
    long[] ids = own().value();
    if (ids == null) {
      return;
    }
    long[] kept = SeenEventIds.remainingAt(ids, nowMs);
    if (kept.length == 0) {
      seen.clear();
    } else if (kept != ids) {
      seen.update(kept);
    }
  }

  /**
   * When the next id may be forgotten (event time, ms), {@link Long#MAX_VALUE} when none is held.
   */
  long nextForgetAt() throws Exception {
    long[] ids = own().value();
    return ids == null ? Long.MAX_VALUE : SeenEventIds.nextForgetAt(ids);
  }
}
