package io.cinestream.flink.functions;

import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.LateEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The first step of a job whose next step is not a keyed function of ours
 * (docs/metrics.md#deduplication: the Flink SQL peers, before the table bridge), keyed by any field
 * every copy of an event shares: drops repeated events and diverts events behind the watermark
 * ({@link EventIdDedup}). The DataStream jobs do the same inside their first keyed function ({@code
 * FirstPresenceInWindows}, {@code SessionTracker}, {@code CheckoutCartJoin}) instead, saving this
 * step's state and timers.
 *
 * <p>State per key: the seen ids ({@code long[]}, three longs per id). Timers per key: one per hour
 * of event time the key was active in, at the hour the ids of that hour may be forgotten (Flink
 * keeps one timer per key and instant, so the ids of an hour share it); the state is cleared when
 * the last id is forgotten.
 *
 * @param <K> the key type
 *     <p>Output: the first copy of every on-time event, unchanged, with its event-time timestamp.
 */
public class DeduplicateAndFlagLate<K> extends KeyedProcessFunction<K, Event, Event> {

  private static final long serialVersionUID = 1L;

  /** Events that arrived behind the watermark (shared by every function that deduplicates). */
  public static final OutputTag<LateEvent> LATE = EventIdDedup.LATE;

  private final String jobName;
  private final Duration retention;
  private transient EventIdDedup dedup;

  /**
   * @param jobName written into each {@link LateEvent}, e.g. {@code registration-metrics}
   * @param retention how long (event time) a seen id is remembered at least; DESIGN: 24 h
   */
  public DeduplicateAndFlagLate(String jobName, Duration retention) {
    this.jobName = jobName;
    this.retention = retention;
  }

  @Override
  public void open(OpenContext openContext) {
    dedup = new EventIdDedup(getRuntimeContext(), jobName, retention);
  }

  @Override
  public void processElement(Event event, Context ctx, Collector<Event> out) throws Exception {
    long watermark = ctx.timerService().currentWatermark();
    switch (dedup.admit(event, watermark)) {
      case DUPLICATE -> {}
      case LATE -> ctx.output(LATE, dedup.lateEvent(event, watermark));
      case ON_TIME -> {
        ctx.timerService().registerEventTimeTimer(dedup.forgetAt(event));
        out.collect(event);
      }
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Event> out) throws Exception {
    dedup.expire(timestamp);
  }
}
