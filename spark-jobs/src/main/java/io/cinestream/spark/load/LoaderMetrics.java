package io.cinestream.spark.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one metrics line per micro-batch of a loader query: rows offered/inserted per table (from
 * the {@link WarehouseWriter}), the watermark ticks skipped (when any), the batch's wall time and
 * the Kafka lag left behind it.
 *
 * <p>The writer's counts are known inside {@code foreachBatch}, the batch duration and offsets only
 * in the query's progress event, so {@link #recordWrite} keeps the counts until {@link
 * #onQueryProgress} for the same batch arrives (Spark posts it after the batch, asynchronously).
 * Lag = the sum over partitions of (latest offset available when the batch was planned - end offset
 * of the batch), in records; {@code ?} when the source does not report offsets.
 */
public final class LoaderMetrics extends StreamingQueryListener {

  private static final Logger LOG = LoggerFactory.getLogger(LoaderMetrics.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String queryName;
  private final Map<Long, BatchResult> writes = new ConcurrentHashMap<>();
  private final Map<Long, Long> skippedTicks = new ConcurrentHashMap<>();

  /**
   * @param queryName the streaming query's name; progress of other queries is ignored
   */
  public LoaderMetrics(String queryName) {
    this.queryName = queryName;
  }

  /**
   * Remembers what a batch wrote, until its progress event arrives.
   *
   * @param batchId the micro-batch id
   * @param result the writer's counts
   */
  public void recordWrite(long batchId, BatchResult result) {
    writes.put(batchId, result);
  }

  /**
   * As {@link #recordWrite(long, BatchResult)}, with the watermark ticks the batch skipped.
   *
   * @param batchId the micro-batch id
   * @param result the writer's counts
   * @param ticks watermark ticks dropped before the writer (not rows, not dead letters)
   */
  public void recordWrite(long batchId, BatchResult result, long ticks) {
    writes.put(batchId, result);
    if (ticks > 0) {
      skippedTicks.put(batchId, ticks);
    }
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {
    if (queryName.equals(event.name())) {
      LOG.info("{}: query {} started (run {})", queryName, event.id(), event.runId());
    }
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress progress = event.progress();
    if (!queryName.equals(progress.name())) {
      return;
    }
    BatchResult result = writes.remove(progress.batchId());
    if (result == null && progress.numInputRows() == 0) {
      return; // an idle trigger: nothing was written, nothing worth a line
    }
    Long ticks = skippedTicks.remove(progress.batchId());
    LOG.info(
        "{} batch {}: {}{} | input {} records in {} ms (write {} ms) | lag {} records",
        queryName,
        progress.batchId(),
        result == null ? "no write" : result.render(),
        ticks == null ? "" : " | " + ticks + " watermark tick(s) skipped",
        progress.numInputRows(),
        progress.batchDuration(),
        result == null ? "?" : result.writeMillis(),
        lagText(progress.sources()));
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {
    if (event.exception().isDefined()) {
      LOG.error("query {} failed: {}", event.id(), event.exception().get());
    }
  }

  /**
   * @param sources the sources of one progress event
   * @return total records between each batch's end offset and the latest available offset, or
   *     {@code ?} when any source reports no offsets
   */
  static String lagText(SourceProgress[] sources) {
    long lag = 0;
    for (SourceProgress source : sources) {
      Long one = lag(source.endOffset(), source.latestOffset());
      if (one == null) {
        return "?";
      }
      lag += one;
    }
    return Long.toString(lag);
  }

  /**
   * @param endOffsetJson Kafka source offsets, {@code {"topic":{"0":12,"1":7}}}
   * @param latestOffsetJson the latest offsets in the same shape
   * @return the summed difference, or null when either is missing or not in that shape
   */
  static Long lag(String endOffsetJson, String latestOffsetJson) {
    if (endOffsetJson == null || latestOffsetJson == null) {
      return null;
    }
    try {
      JsonNode end = JSON.readTree(endOffsetJson);
      JsonNode latest = JSON.readTree(latestOffsetJson);
      long lag = 0;
      for (Iterator<Map.Entry<String, JsonNode>> topics = latest.fields(); topics.hasNext(); ) {
        Map.Entry<String, JsonNode> topic = topics.next();
        for (Iterator<Map.Entry<String, JsonNode>> parts = topic.getValue().fields();
            parts.hasNext(); ) {
          Map.Entry<String, JsonNode> part = parts.next();
          long done = end.path(topic.getKey()).path(part.getKey()).asLong(0);
          lag += Math.max(0, part.getValue().asLong() - done);
        }
      }
      return lag;
    } catch (IOException e) {
      return null;
    }
  }
}
