package io.cinestream.flink.io;

import io.cinestream.flink.JobOptions;
import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.Event;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.types.Either;

/**
 * Watermark strategies assigned at the sources (docs/metrics.md#watermark: watermark = max event
 * time seen minus {@code max_out_of_orderness}).
 *
 * <p>Flink's watermark W promises no more records with timestamp <= W, so the generators emit
 * {@code max - delay - 1}: an event exactly at {@code max - delay} is on time, anything earlier is
 * "behind the watermark".
 */
public final class EventWatermarks {

  private EventWatermarks() {}

  /**
   * The strategy of an event source: timestamps from {@link Event#eventTimeMs()} (undecodable
   * records get {@link Long#MIN_VALUE}, so they never move the watermark), bounded out-of-orderness
   * of {@code options.maxOutOfOrderness()}, periodic emission with idleness, or one watermark per
   * record when {@code options.punctuatedWatermarks()}.
   *
   * <p>A watermark tick ({@link Event#watermarkTick}) takes its {@code eventTimeMs} (= its Kafka
   * record timestamp T) like an event, so it raises the split's maximum to T and the watermark to
   * {@code T - delay - 1}. It has to be an element: a Kafka deserializer can only emit elements,
   * and the Kafka source keeps its watermark generators per split, so the only way to move one
   * partition's watermark is an element passing that partition's generator. The tick carries T in
   * the element rather than the assigner reading the record timestamp (its second argument) so that
   * there is one rule, timestamp = {@code eventTimeMs}, for ticks, events and test sources without
   * Kafka timestamps. The job drops ticks right after the source ({@code DropWatermarkTicks}).
   */
  public static WatermarkStrategy<Either<DeadLetter, Event>> forEvents(JobOptions options) {
    Duration delay = options.maxOutOfOrderness();
    WatermarkStrategy<Either<DeadLetter, Event>> strategy =
        options.punctuatedWatermarks()
            ? WatermarkStrategy.forGenerator(ctx -> new PunctuatedBoundedOutOfOrderness<>(delay))
            : WatermarkStrategy.forBoundedOutOfOrderness(delay);
    strategy =
        strategy.withTimestampAssigner(
            (record, kafkaTimestamp) ->
                record.isRight() ? record.right().eventTimeMs() : Long.MIN_VALUE);
    if (!options.idleness().isZero() && !options.punctuatedWatermarks()) {
      strategy = strategy.withIdleness(options.idleness());
    }
    return strategy;
  }

  /**
   * The strategy of the catalogue source: the catalogue is a dimension, not a clock, so it emits no
   * watermarks of its own. Until it has been idle for {@code options.catalogIdleness()} (or, when
   * bounded, until it has been read to its end) it holds the sales watermark back, which is what
   * lets every price arrive before the first sale is priced.
   */
  public static <T> WatermarkStrategy<T> forCatalog(JobOptions options) {
    WatermarkStrategy<T> strategy = WatermarkStrategy.noWatermarks();
    return options.catalogIdleness().isZero()
        ? strategy
        : strategy.withIdleness(options.catalogIdleness());
  }

  /**
   * Bounded out-of-orderness emitting a watermark on every record that raises the maximum, so that
   * which events are late does not depend on wall-clock timing.
   */
  static final class PunctuatedBoundedOutOfOrderness<T> implements WatermarkGenerator<T> {
    private final long delayMs;
    private long maxTimestamp = Long.MIN_VALUE;

    PunctuatedBoundedOutOfOrderness(Duration delay) {
      this.delayMs = delay.toMillis();
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
      if (eventTimestamp > maxTimestamp) {
        maxTimestamp = eventTimestamp;
        output.emitWatermark(new Watermark(maxTimestamp - delayMs - 1));
      }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {}
  }
}
