package io.cinestream.flink.functions;

import io.cinestream.flink.model.RegistrationMetric;
import io.cinestream.flink.model.WindowPresence;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Second stage of the distinct registration count, keyed by window ({@link
 * WindowPresence#windowKey()}): sums the per-user presences and emits one {@link
 * RegistrationMetric} when the watermark passes the window's last millisecond (end - 1).
 *
 * <p><b>Partials after the row.</b> The first stage ({@link PreAggregateWindowPresence}) sends a
 * subtask's partial when <em>that subtask's</em> watermark reaches the window's end. This
 * operator's watermark is the minimum over its <em>active</em> inputs: an upstream subtask whose
 * source is idle (no record for {@code --idleness}) does not hold it back, so the window can fire
 * before the idle subtask's partial arrives (seen in live mode after a restore with no incoming
 * events: 575 of 1,125 registrations). Such a partial is part of the window, not a late event: it
 * is added to the kept total and the corrected row is emitted again, replacing the earlier one (the
 * sink upserts on the window). The total is therefore kept for {@link #RETENTION} of event time
 * after the window's end; a partial arriving later than that is dropped with a warning (its
 * window's row stays as it was).
 *
 * <p>State: one running {@link WindowPresence} per window, for the window's life plus {@link
 * #RETENTION} (5 windows an hour: about 120 entries); one timer per window at a time.
 */
public class SumWindowPresence
    extends KeyedProcessFunction<Long, WindowPresence, RegistrationMetric> {

  private static final long serialVersionUID = 1L;

  /** How long (event time) a window's total is kept after its end for partials that come after. */
  public static final Duration RETENTION = Duration.ofDays(1);

  private static final long RETENTION_MS = RETENTION.toMillis();
  private static final Logger LOG = LoggerFactory.getLogger(SumWindowPresence.class);

  private transient ValueState<WindowPresence> total;

  @Override
  public void open(OpenContext openContext) {
    total =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>("total", TypeInformation.of(WindowPresence.class)));
  }

  @Override
  public void processElement(WindowPresence partial, Context ctx, Collector<RegistrationMetric> out)
      throws Exception {
    long fireAt = partial.windowEndMs() - 1;
    long watermark = ctx.timerService().currentWatermark();
    if (watermark >= fireAt + RETENTION_MS) {
      LOG.warn(
          "Partial of {} registration(s) for {} window {}..{} (epoch ms) arrived more than {} after"
              + " the window closed (watermark {}): dropped, the window's row is unchanged",
          partial.count(),
          partial.windowType(),
          partial.windowStartMs(),
          partial.windowEndMs(),
          RETENTION,
          watermark);
      return;
    }
    WindowPresence current = total.value();
    WindowPresence sum =
        current == null
            ? partial
            : new WindowPresence(
                current.windowType(),
                current.windowStartMs(),
                current.windowEndMs(),
                current.count() + partial.count());
    total.update(sum);
    if (watermark >= fireAt) {
      // The window's row was emitted already (or no partial came before it closed): the corrected
      // row replaces it.
      out.collect(row(sum));
      if (current == null) {
        ctx.timerService().registerEventTimeTimer(fireAt + RETENTION_MS);
      }
    } else if (current == null) {
      ctx.timerService().registerEventTimeTimer(fireAt);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<RegistrationMetric> out)
      throws Exception {
    WindowPresence w = total.value();
    if (w == null) {
      return;
    }
    long fireAt = w.windowEndMs() - 1;
    if (timestamp == fireAt) {
      out.collect(row(w));
      ctx.timerService().registerEventTimeTimer(fireAt + RETENTION_MS);
    } else {
      total.clear();
    }
  }

  private static RegistrationMetric row(WindowPresence w) {
    return new RegistrationMetric(w.windowType(), w.windowStartMs(), w.windowEndMs(), w.count());
  }
}
