package io.cinestream.flink.functions;

import io.cinestream.flink.logic.SessionTickStats;
import io.cinestream.flink.model.SessionChange;
import io.cinestream.flink.model.SessionTickPartial;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * First phase of the per-minute session aggregates (docs/metrics.md#sessions), chained to the
 * session tracker in the same task (no shuffle): folds each {@link SessionChange} of this subtask's
 * users into the partial of its minute bucket (the boundary at or after its instant) and emits the
 * partial when the watermark reaches the bucket, before forwarding that watermark, timestamped with
 * the bucket. The global second phase ({@link SessionMinuteTicks}) thus receives at most one record
 * per subtask and minute with changes, instead of one per change.
 *
 * <p>No partial is late for the second phase: the tracker emits a change at instant i while
 * processing the first watermark >= i, so the change's bucket (>= i) cannot have been flushed by an
 * earlier watermark, and the second phase's watermark passes the bucket only after this subtask's
 * does, i.e. after the partial.
 *
 * <p>State: the pending partials, in memory and in operator list state at each checkpoint (any
 * subtask may flush any partial after a rescale: they are summed by the second phase). Empty once
 * the watermark has passed every pending bucket.
 */
public class SessionTickPartials extends AbstractStreamOperator<SessionTickPartial>
    implements OneInputStreamOperator<SessionChange, SessionTickPartial> {

  private static final long serialVersionUID = 1L;

  private transient Map<Long, SessionTickPartial> pending;
  private transient ListState<SessionTickPartial> checkpointed;

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    pending = new HashMap<>();
    checkpointed =
        context
            .getOperatorStateStore()
            .getListState(
                new ListStateDescriptor<>(
                    "pending-tick-partials", TypeInformation.of(SessionTickPartial.class)));
    if (context.isRestored()) {
      for (SessionTickPartial p : checkpointed.get()) {
        pending.merge(p.bucketMs(), p, SessionTickPartial::merge);
      }
    }
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    checkpointed.update(List.copyOf(pending.values()));
  }

  @Override
  public void processElement(StreamRecord<SessionChange> element) {
    SessionChange change = element.getValue();
    long bucket = SessionTickStats.completionBucket(change.timeMs());
    SessionTickPartial p = pending.get(bucket);
    pending.put(bucket, (p == null ? SessionTickPartial.empty(bucket) : p).plus(change));
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    long w = mark.getTimestamp();
    Iterator<SessionTickPartial> it = pending.values().iterator();
    while (it.hasNext()) {
      SessionTickPartial p = it.next();
      if (p.bucketMs() <= w) {
        output.collect(new StreamRecord<>(p, p.bucketMs()));
        it.remove();
      }
    }
    super.processWatermark(mark);
  }

  /** The buckets not yet sent (for tests). */
  int pendingBuckets() {
    return pending.size();
  }
}
