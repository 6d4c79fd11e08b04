package io.cinestream.flink.functions;

import io.cinestream.flink.model.OrphanSignOuts;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns the orphan count of one event-time minute window [m, m+1min) into an {@code
 * orphan_sign_outs} row (docs/metrics.md#sessions).
 */
public class EmitOrphanMinute
    extends ProcessWindowFunction<Long, OrphanSignOuts, Long, TimeWindow> {

  private static final long serialVersionUID = 1L;

  @Override
  public void process(
      Long minute, Context context, Iterable<Long> counts, Collector<OrphanSignOuts> out) {
    out.collect(new OrphanSignOuts(context.window().getStart(), counts.iterator().next()));
  }
}
