package io.cinestream.spark.metrics;

import static org.apache.spark.sql.functions.col;

import io.cinestream.schemas.Topic;
import io.cinestream.schemas.warehouse.MetricJob;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.GroupState;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;

/**
 * {@code session_metrics} and {@code orphan_sign_outs} on Spark (docs/metrics.md#sessions).
 *
 * <p><b>Design.</b> Watermark + drop repeated event ids ({@link MetricEvents#onTimeDistinct}) ->
 * one append-mode {@code flatMapGroupsWithState} on a single constant key whose state is the {@link
 * SessionBook} of all users, with an event-time timeout -> {@link SessionRow}s of kind {@code tick}
 * or {@code orphans}. Each call adds the batch's sign events to the book and applies everything at
 * or before Spark's current watermark (final: Spark accepts no later event at or before it),
 * emitting the minute ticks T <= watermark and the orphan minutes that ended; the timeout is set to
 * the next due instant, so ticks and expiries advance in batches that bring no sign events for the
 * key, and the no-data batch Spark runs when the watermark moves.
 *
 * <p>Why one key: the per-minute aggregates are global, and the alternatives each break something
 * in Spark 3.5. A per-user {@code flatMapGroupsWithState} chained into a second one (or into a
 * window aggregation) loses the watermark column metadata on the first operator's output, and Spark
 * flags an event-time-timeout operator followed by another stateful one as a possible correctness
 * issue ("global watermark" check); per-user contributions per tick would emit one row per open
 * session and minute. The price is one task for the session logic: its input is only the sign
 * events (a few percent of all events), and its state is one entry per signed-in user plus the
 * events of the last max_out_of_orderness. Restart safety: the book is Spark keyed state, saved
 * with each micro-batch in the checkpoint, and every row is an upsert, so a replayed batch writes
 * the same rows.
 *
 * <p><b>Lateness vs Flink.</b> Events behind the watermark are dropped by the dedup operator (in
 * Spark 3.5: at or before the previous micro-batch's watermark) and counted only in the query
 * progress; Spark hands them to no user code ({@link LateEvents} records them). The last tick:
 * Spark emits T only when its watermark (DESIGN's W - 1 ms, watermark tick records included)
 * reaches T, i.e. T < W: the last boundary W has passed, the same rule as Flink's and the
 * reference's.
 */
public final class SessionMetrics {

  /** Query name and late-event job name, as the Flink job's. */
  public static final String NAME = MetricJob.SESSION_METRICS.jobName();

  /** {@code kind} of a session_metrics row. */
  public static final String TICK = "tick";

  /** {@code kind} of an orphan_sign_outs row. */
  public static final String ORPHANS = "orphans";

  private SessionMetrics() {}

  /**
   * The per-minute rows.
   *
   * @param signEvents {@code sign_in} and {@code sign_out} rows of {@link MetricEvents#SCHEMA}, not
   *     yet watermarked or deduplicated
   * @param maxOutOfOrderness DESIGN's max_out_of_orderness
   * @param sessionTimeout DESIGN's session_timeout
   * @return append-mode {@link SessionRow}s, each final
   */
  public static Dataset<SessionRow> rows(
      Dataset<Row> signEvents, Duration maxOutOfOrderness, Duration sessionTimeout) {
    return MetricEvents.onTimeDistinct(signEvents, maxOutOfOrderness)
        .select(col("event_id"), col("topic"), col("user_id"), col("event_time"))
        .groupByKey((MapFunction<Row, Integer>) r -> 0, Encoders.INT())
        .flatMapGroupsWithState(
            new Update(sessionTimeout.toMillis()),
            OutputMode.Append(),
            Encoders.javaSerialization(SessionBook.class),
            Encoders.bean(SessionRow.class),
            GroupStateTimeout.EventTimeTimeout());
  }

  /** The state function: feeds the book, emits what became final, re-arms the timeout. */
  static final class Update
      implements FlatMapGroupsWithStateFunction<Integer, Row, SessionBook, SessionRow> {
    private static final long serialVersionUID = 1L;
    private final long timeoutMs;

    Update(long timeoutMs) {
      this.timeoutMs = timeoutMs;
    }

    @Override
    public Iterator<SessionRow> call(
        Integer key, Iterator<Row> rows, GroupState<SessionBook> state) {
      SessionBook book = state.exists() ? state.get() : new SessionBook(timeoutMs);
      List<SessionBook.SignEvent> arrivals = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        String topic = r.getString(1);
        boolean signOut = Topic.SIGN_OUT.topicName().equals(topic);
        if (!signOut && !Topic.SIGN_IN.topicName().equals(topic)) {
          throw new IllegalArgumentException(
              "event " + r.getString(0) + " of topic " + topic + " is not a sign_in/sign_out");
        }
        arrivals.add(
            new SessionBook.SignEvent(
                r.getString(0), r.getInt(2), r.getTimestamp(3).getTime(), signOut));
      }
      long watermark = state.getCurrentWatermarkMs();
      SessionBook.Output out = book.advance(arrivals, watermark);
      state.update(book);
      Long due = book.nextDueMs();
      if (due != null) {
        // Spark times a key out when the watermark is strictly after the timeout timestamp.
        state.setTimeoutTimestamp(Math.max(due - 1, watermark));
      }
      List<SessionRow> result = new ArrayList<>();
      out.ticks().forEach(t -> result.add(SessionRow.tick(t)));
      out.orphans().forEach(o -> result.add(SessionRow.orphans(o)));
      return result.iterator();
    }
  }

  /**
   * One output row (a Java bean for Spark's encoder): {@code kind} {@value #TICK} fills the
   * session_metrics columns, {@value #ORPHANS} fills {@code orphanCount}; {@code timeMs} is the
   * tick or the orphan minute, UTC ms.
   */
  public static final class SessionRow implements Serializable {
    private static final long serialVersionUID = 1L;
    private String kind;
    private long timeMs;
    private long activeSessions;
    private Double averageSessionDurationS;
    private Double averageActiveSessionAgeS;
    private long completedSessions;
    private long orphanCount;

    /** A session_metrics row. */
    static SessionRow tick(SessionBook.Tick t) {
      SessionRow r = new SessionRow();
      r.kind = TICK;
      r.timeMs = t.tickMs();
      r.activeSessions = t.activeSessions();
      r.averageSessionDurationS = t.averageSessionDurationS();
      r.averageActiveSessionAgeS = t.averageActiveSessionAgeS();
      r.completedSessions = t.completedSessions();
      return r;
    }

    /** An orphan_sign_outs row. */
    static SessionRow orphans(SessionBook.OrphanMinute o) {
      SessionRow r = new SessionRow();
      r.kind = ORPHANS;
      r.timeMs = o.minuteMs();
      r.orphanCount = o.count();
      return r;
    }

    public String getKind() {
      return kind;
    }

    public void setKind(String kind) {
      this.kind = kind;
    }

    public long getTimeMs() {
      return timeMs;
    }

    public void setTimeMs(long timeMs) {
      this.timeMs = timeMs;
    }

    public long getActiveSessions() {
      return activeSessions;
    }

    public void setActiveSessions(long activeSessions) {
      this.activeSessions = activeSessions;
    }

    public Double getAverageSessionDurationS() {
      return averageSessionDurationS;
    }

    public void setAverageSessionDurationS(Double averageSessionDurationS) {
      this.averageSessionDurationS = averageSessionDurationS;
    }

    public Double getAverageActiveSessionAgeS() {
      return averageActiveSessionAgeS;
    }

    public void setAverageActiveSessionAgeS(Double averageActiveSessionAgeS) {
      this.averageActiveSessionAgeS = averageActiveSessionAgeS;
    }

    public long getCompletedSessions() {
      return completedSessions;
    }

    public void setCompletedSessions(long completedSessions) {
      this.completedSessions = completedSessions;
    }

    public long getOrphanCount() {
      return orphanCount;
    }

    public void setOrphanCount(long orphanCount) {
      this.orphanCount = orphanCount;
    }
  }
}
