package io.cinestream.spark.metrics;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.GroupState;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;

/**
 * Spark's {@code late_events} (docs/metrics.md#late-events): the events behind the watermark, so
 * that they are never silently lost and the oracle can leave out the same events.
 *
 * <p>Spark's stateful operators drop rows behind the watermark without handing them to user code,
 * so the late events are found by a query of their own per metric job, over the same topics: one
 * {@code flatMapGroupsWithState} on a single constant key (no timeout, so Spark filters nothing
 * before it) whose state is the max event time of the earlier micro-batches, watermark tick records
 * included. Per micro-batch, with W = that max - max_out_of_orderness (DESIGN's watermark, the
 * value Spark's own watermark, {@code W - 1 ms}, has in that batch), an event is late when its
 * event time is strictly before W, the rule of Flink's late sink; the row written is Flink's: job,
 * event id, topic, event time and W. Within one micro-batch nothing is late (Spark's watermark
 * moves between batches), so Spark calls at most the events Flink calls late.
 *
 * <p>The query's micro-batches are its own: with a processing-time trigger they need not cut the
 * input where the metric query's do, so an event at the edge can be late for one and on time for
 * the other. An available-now run reads what the topics hold in one micro-batch per query.
 */
public final class LateEvents {

  private LateEvents() {}

  /**
   * The late events of a job.
   *
   * @param events rows of {@link MetricEvents#SCHEMA}, watermark ticks included, not yet
   *     watermarked or deduplicated
   * @param jobName the {@code job} column, e.g. {@code session-metrics}
   * @param maxOutOfOrderness DESIGN's max_out_of_orderness
   * @return append-mode {@link LateRow}s, one per late event id and micro-batch
   */
  public static Dataset<LateRow> rows(
      Dataset<Row> events, String jobName, Duration maxOutOfOrderness) {
    return events
        .select("event_id", "topic", "event_time_ms", "watermark_tick")
        .groupByKey((MapFunction<Row, Integer>) r -> 0, Encoders.INT())
        .flatMapGroupsWithState(
            new Split(jobName, maxOutOfOrderness.toMillis()),
            OutputMode.Append(),
            Encoders.LONG(),
            Encoders.bean(LateRow.class),
            GroupStateTimeout.NoTimeout());
  }

  /** Per micro-batch: the events before W of the earlier batches, then the new max. */
  static final class Split implements FlatMapGroupsWithStateFunction<Integer, Row, Long, LateRow> {
    private static final long serialVersionUID = 1L;
    private final String jobName;
    private final long delayMs;

    Split(String jobName, long delayMs) {
      this.jobName = jobName;
      this.delayMs = delayMs;
    }

    @Override
    public Iterator<LateRow> call(Integer key, Iterator<Row> rows, GroupState<Long> state) {
      Long maxBefore = state.exists() ? state.get() : null;
      long max = maxBefore == null ? Long.MIN_VALUE : maxBefore;
      Map<String, LateRow> late = new LinkedHashMap<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        long t = r.getLong(2);
        max = Math.max(max, t);
        if (r.getBoolean(3) || maxBefore == null) {
          continue;
        }
        long w = maxBefore - delayMs;
        if (t < w) {
          late.putIfAbsent(
              r.getString(0), LateRow.of(jobName, r.getString(0), r.getString(1), t, w));
        }
      }
      if (max != Long.MIN_VALUE) {
        state.update(max);
      }
      return new ArrayList<>(late.values()).iterator();
    }
  }

  /** One {@code late_events} row (a Java bean for Spark's encoder); times in UTC ms. */
  public static final class LateRow implements Serializable {
    private static final long serialVersionUID = 1L;
    private String job;
    private String eventId;
    private String topic;
    private long eventTimeMs;
    private long watermarkMs;

    /** A row. */
    public static LateRow of(
        String job, String eventId, String topic, long eventTimeMs, long watermarkMs) {
      LateRow r = new LateRow();
      r.job = job;
      r.eventId = eventId;
      r.topic = topic;
      r.eventTimeMs = eventTimeMs;
      r.watermarkMs = watermarkMs;
      return r;
    }

    public String getJob() {
      return job;
    }

    public void setJob(String job) {
      this.job = job;
    }

    public String getEventId() {
      return eventId;
    }

    public void setEventId(String eventId) {
      this.eventId = eventId;
    }

    public String getTopic() {
      return topic;
    }

    public void setTopic(String topic) {
      this.topic = topic;
    }

    public long getEventTimeMs() {
      return eventTimeMs;
    }

    public void setEventTimeMs(long eventTimeMs) {
      this.eventTimeMs = eventTimeMs;
    }

    public long getWatermarkMs() {
      return watermarkMs;
    }

    public void setWatermarkMs(long watermarkMs) {
      this.watermarkMs = watermarkMs;
    }

    @Override
    public String toString() {
      return job + " " + eventId + " " + topic + " " + eventTimeMs + " " + watermarkMs;
    }
  }
}
