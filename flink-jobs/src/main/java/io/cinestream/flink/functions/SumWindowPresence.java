package io.cinestream.flink.functions;

import io.cinestream.flink.model.RegistrationMetric;
import io.cinestream.flink.model.WindowPresence;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Second stage of the distinct registration count, keyed by window ({@link
 * WindowPresence#windowKey()}): sums the per-user presences and emits one {@link
 * RegistrationMetric} when the watermark passes the window's last millisecond (end - 1: the first
 * stage emits a partial when it sees an on-time registration, before the watermark passes the
 * registration's time, so every partial of the window has arrived by then). State: one running
 * {@link WindowPresence}, cleared when the row is emitted.
 */
public class SumWindowPresence
    extends KeyedProcessFunction<Long, WindowPresence, RegistrationMetric> {

  private static final long serialVersionUID = 1L;

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
    WindowPresence current = total.value();
    if (current == null) {
      total.update(partial);
      ctx.timerService().registerEventTimeTimer(partial.windowEndMs() - 1);
    } else {
      total.update(
          new WindowPresence(
              current.windowType(),
              current.windowStartMs(),
              current.windowEndMs(),
              current.count() + partial.count()));
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<RegistrationMetric> out)
      throws Exception {
    WindowPresence w = total.value();
    if (w != null) {
      out.collect(
          new RegistrationMetric(w.windowType(), w.windowStartMs(), w.windowEndMs(), w.count()));
      total.clear();
    }
  }
}
