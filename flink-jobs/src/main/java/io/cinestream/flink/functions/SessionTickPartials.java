package io.cinestream.flink.functions;

import io.cinestream.flink.logic.SessionTickStats;
import io.cinestream.flink.model.SessionChange;
import io.cinestream.flink.model.SessionTickPartial;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * First phase of the per-minute session aggregates (DESIGN section 5), keyed by a shard of users
 * ({@link #shardOf}), parallel: folds each {@link SessionChange} into the partial of its minute
 * bucket (the boundary at or after its instant) and emits the partial when the watermark passes the
 * bucket, timestamped with it. The global second phase ({@link SessionMinuteTicks}) thus receives
 * at most one record per shard and minute with changes, instead of one per change.
 *
 * <p>State per shard: the partials of buckets the watermark has not passed (a map entry each), and
 * one timer per such bucket; both are gone once the watermark has passed every bucket.
 */
public class SessionTickPartials
    extends KeyedProcessFunction<Integer, SessionChange, SessionTickPartial> {

  private static final long serialVersionUID = 1L;

  /** How many shards the users are spread over (the phase's key space). */
  public static final int SHARDS = 128;

  private transient MapState<Long, SessionTickPartial> partials;

  /** The shard of a user: {@code userId mod} {@link #SHARDS}. */
  public static int shardOf(SessionChange c) {
    return Math.floorMod(c.userId(), SHARDS);
  }

  @Override
  public void open(OpenContext openContext) {
    partials =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "partials", Types.LONG, TypeInformation.of(SessionTickPartial.class)));
  }

  @Override
  public void processElement(SessionChange change, Context ctx, Collector<SessionTickPartial> out)
      throws Exception {
    long bucket = SessionTickStats.completionBucket(change.timeMs());
    SessionTickPartial p = partials.get(bucket);
    if (p == null) {
      p = SessionTickPartial.empty(bucket);
      ctx.timerService().registerEventTimeTimer(bucket);
    }
    partials.put(bucket, p.plus(change));
  }

  @Override
  public void onTimer(long bucket, OnTimerContext ctx, Collector<SessionTickPartial> out)
      throws Exception {
    SessionTickPartial p = partials.get(bucket);
    if (p != null) {
      out.collect(p);
      partials.remove(bucket);
    }
  }
}
