package io.cinestream.flink.functions;

import io.cinestream.flink.model.WindowPresence;
import java.util.HashMap;
import java.util.Iterator;
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
 * Pre-aggregation of the registration presences before the shuffle by window (a combiner): chained
 * to {@link FirstPresenceInWindows} in the same task, it sums the presences of each window that
 * this subtask's users produced, and sends one {@link WindowPresence} per (subtask, window) to
 * {@link SumWindowPresence} instead of one per (user, window), i.e. five per registration.
 *
 * <p>A window's partial is sent when the watermark reaches the window's last millisecond (end - 1),
 * before the watermark itself is forwarded, so it reaches {@link SumWindowPresence} before that
 * operator's watermark can pass the window: no partial is ever late there. (A presence arrives with
 * its on-time event's timestamp, which is inside the window and after the previous watermark, so
 * its window has not been flushed yet.) Emitted partials carry the timestamp end - 1.
 *
 * <p>State: the pending partials, in memory and in operator list state at each checkpoint (any
 * subtask may flush any partial after a rescale: they are summed downstream). Empty once the
 * watermark has passed every pending window.
 */
public class PreAggregateWindowPresence extends AbstractStreamOperator<WindowPresence>
    implements OneInputStreamOperator<WindowPresence, WindowPresence> {

  private static final long serialVersionUID = 1L;

  private transient Map<Long, WindowPresence> pending;
  private transient ListState<WindowPresence> checkpointed;

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    pending = new HashMap<>();
    checkpointed =
        context
            .getOperatorStateStore()
            .getListState(
                new ListStateDescriptor<>(
                    "pending-window-presence", TypeInformation.of(WindowPresence.class)));
    if (context.isRestored()) {
      for (WindowPresence p : checkpointed.get()) {
        add(p);
      }
    }
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    checkpointed.update(
        pending.isEmpty() ? java.util.List.of() : pending.values().stream().toList());
  }

  @Override
  public void processElement(StreamRecord<WindowPresence> element) {
    add(element.getValue());
  }

  private void add(WindowPresence p) {
    pending.merge(
        p.windowKey(),
        p,
        (a, b) ->
            new WindowPresence(
                a.windowType(), a.windowStartMs(), a.windowEndMs(), a.count() + b.count()));
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    long w = mark.getTimestamp();
    Iterator<WindowPresence> it = pending.values().iterator();
    while (it.hasNext()) {
      WindowPresence p = it.next();
      long last = p.windowEndMs() - 1;
      if (last <= w) {
        output.collect(new StreamRecord<>(p, last));
        it.remove();
      }
    }
    super.processWatermark(mark);
  }

  /** The partials not yet sent (for tests). */
  int pendingWindows() {
    return pending.size();
  }
}
