package io.cinestream.flink.functions;

import io.cinestream.flink.model.WindowPresence;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * First stage of the distinct count of registrations (DESIGN section 5), on a stream keyed by
 * user_id: whatever the number of this user's registrations in the window (the pre-aggregated
 * count, >= 1), emits one {@link WindowPresence} with count 1. Summing these per window (see {@link
 * SumWindowPresence}) counts each user once.
 */
public class EmitWindowPresence
    extends ProcessWindowFunction<Long, WindowPresence, Integer, TimeWindow> {

  private static final long serialVersionUID = 1L;

  private final String windowType;

  /**
   * @param windowType {@code tumbling_1h} or {@code sliding_1h_15m}
   */
  public EmitWindowPresence(String windowType) {
    this.windowType = windowType;
  }

  @Override
  public void process(
      Integer userId, Context context, Iterable<Long> counts, Collector<WindowPresence> out) {
    TimeWindow w = context.window();
    out.collect(new WindowPresence(windowType, w.getStart(), w.getEnd(), 1L));
  }
}
