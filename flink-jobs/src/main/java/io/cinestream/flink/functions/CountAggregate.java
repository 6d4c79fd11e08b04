package io.cinestream.flink.functions;

import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Counts the elements of a window. The accumulator is one {@code long} (per minute in the orphan
 * sign-out count), so window state holds a number, not events.
 *
 * @param <T> the element type
 */
public class CountAggregate<T> implements AggregateFunction<T, Long, Long> {

  private static final long serialVersionUID = 1L;

  @Override
  public Long createAccumulator() {
    return 0L;
  }

  @Override
  public Long add(T value, Long accumulator) {
    return accumulator + 1;
  }

  @Override
  public Long getResult(Long accumulator) {
    return accumulator;
  }

  @Override
  public Long merge(Long a, Long b) {
    return a + b;
  }
}
