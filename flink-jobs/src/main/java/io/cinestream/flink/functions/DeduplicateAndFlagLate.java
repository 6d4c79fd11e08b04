package io.cinestream.flink.functions;

import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.LateEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The first step of every job (DESIGN section 5), keyed by {@code event_id}: drops repeated events
 * and diverts events behind the watermark.
 *
 * <ul>
 *   <li>Duplicates: an id seen within the retention (24 h of event time by default) is dropped and
 *       counted ({@code duplicateEvents}). The seen marker is cleared by an event-time timer at
 *       event time + retention (Flink's state TTL runs on processing time, which a replay or a
 *       simulated clock would break).
 *   <li>Late: an event with event time <= Flink's current watermark, i.e. earlier than DESIGN's
 *       watermark (max event time - max_out_of_orderness), goes to {@link #LATE} as a {@link
 *       LateEvent} (counted in {@code lateEvents}) and nowhere else. Checking here, before any
 *       window, guarantees later operators never see (and silently drop) a late event: their
 *       watermark can only trail this one's.
 * </ul>
 *
 * Output: the first copy of every on-time event, unchanged, with its event-time timestamp.
 */
public class DeduplicateAndFlagLate extends KeyedProcessFunction<String, Event, Event> {

  private static final long serialVersionUID = 1L;

  /** Events that arrived behind the watermark. */
  public static final OutputTag<LateEvent> LATE =
      new OutputTag<>("late-events", TypeInformation.of(LateEvent.class));

  private final String jobName;
  private final long retentionMs;
  private transient ValueState<Long> forgetAt;
  private transient Counter duplicates;
  private transient Counter late;

  /**
   * @param jobName written into each {@link LateEvent}, e.g. {@code registration-metrics}
   * @param retention how long (event time) a seen id is remembered; DESIGN: 24 h
   */
  public DeduplicateAndFlagLate(String jobName, Duration retention) {
    this.jobName = jobName;
    this.retentionMs = retention.toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    forgetAt = getRuntimeContext().getState(new ValueStateDescriptor<>("forget-at", Types.LONG));
    duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
    late = getRuntimeContext().getMetricGroup().counter("lateEvents");
  }

  @Override
  public void processElement(Event event, Context ctx, Collector<Event> out) throws Exception {
    if (forgetAt.value() != null) {
      duplicates.inc();
      return;
    }
    long cleanup = event.eventTimeMs() + retentionMs;
    forgetAt.update(cleanup);
    ctx.timerService().registerEventTimeTimer(cleanup);
    long watermark = ctx.timerService().currentWatermark();
    if (watermark != Long.MIN_VALUE && event.eventTimeMs() <= watermark) {
      late.inc();
      ctx.output(
          LATE,
          new LateEvent(
              jobName, event.eventId(), event.topic(), event.eventTimeMs(), watermark + 1));
      return;
    }
    out.collect(event);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Event> out) {
    forgetAt.clear();
  }
}
