package io.cinestream.flink.functions;

import io.cinestream.flink.model.Event;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.apache.flink.metrics.Counter;

/**
 * Drops watermark ticks ({@link Event#isWatermarkTick()}) right after the source: a tick has
 * already done its only job, moving its partition's watermark in the source's assigner, and must
 * reach no metric, dedup or dead-letter step. Counted in the {@code watermarkTicks} metric. Events
 * pass unchanged.
 */
public class DropWatermarkTicks extends RichFilterFunction<Event> {

  private static final long serialVersionUID = 1L;
  private transient Counter ticks;

  @Override
  public void open(OpenContext openContext) {
    ticks = getRuntimeContext().getMetricGroup().counter("watermarkTicks");
  }

  /**
   * @param event a decoded event or a watermark tick
   * @return false for a tick (counted), true for an event
   */
  @Override
  public boolean filter(Event event) {
    if (event.isWatermarkTick()) {
      if (ticks != null) {
        ticks.inc();
      }
      return false;
    }
    return true;
  }
}
