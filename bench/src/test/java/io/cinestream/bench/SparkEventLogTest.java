package io.cinestream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SparkEventLogTest {

  // Shapes of Spark 3.5's JSON event log (JsonProtocol), trimmed to the fields that are read.
  private static final List<String> LOG =
      List.of(
          "{\"Event\":\"SparkListenerApplicationStart\",\"Timestamp\":1700000000000}",
          "{\"Event\":\"SparkListenerJobStart\",\"Job ID\":0,\"Submission Time\":1700000005000}",
          "{\"Event\":\"SparkListenerJobEnd\",\"Job ID\":0,\"Completion Time\":1700000007000}",
          "{\"Event\":\"org.apache.spark.sql.streaming.StreamingQueryListener$QueryProgressEvent\","
              + "\"progress\":{\"batchId\":0,\"timestamp\":\"2023-11-14T22:13:25.000Z\","
              + "\"sources\":[{\"numInputRows\":0}],\"durationMs\":{\"triggerExecution\":900,\"addBatch\":300,"
              + "\"queryPlanning\":400,\"latestOffset\":100,\"getBatch\":0,\"walCommit\":50,"
              + "\"commitOffsets\":40},"
              + "\"eventTime\":{\"watermark\":\"1970-01-01T00:00:00.000Z\"},"
              + "\"stateOperators\":[{\"memoryUsedBytes\":1000},{\"memoryUsedBytes\":24}]}}",
          "{\"Event\":\"SparkListenerJobStart\",\"Job ID\":1,\"Submission Time\":1700000007100}",
          "{\"Event\":\"SparkListenerJobEnd\",\"Job ID\":1,\"Completion Time\":1700000009500}",
          "{\"Event\":\"org.apache.spark.sql.streaming.StreamingQueryListener$QueryProgressEvent\","
              + "\"progress\":{\"batchId\":1,\"timestamp\":\"2023-11-14T22:13:27.100Z\","
              + "\"sources\":[{\"numInputRows\":5000},{\"numInputRows\":57}],\"durationMs\":{\"triggerExecution\":2500,"
              + "\"addBatch\":2150,\"queryPlanning\":120,\"latestOffset\":30,\"getBatch\":5,"
              + "\"walCommit\":60,\"commitOffsets\":55},"
              + "\"eventTime\":{\"watermark\":\"2026-01-01T01:58:00.000Z\"},"
              + "\"stateOperators\":[{\"memoryUsedBytes\":2048}]}}",
          "");

  @Test
  void spanRunsFromFirstJobSubmissionToLastJobCompletion() {
    SparkEventLog log = SparkEventLog.parse(LOG);
    assertThat(log.firstJobMs()).isEqualTo(1_700_000_005_000L);
    assertThat(log.lastJobMs()).isEqualTo(1_700_000_009_500L);
    assertThat(log.stateBytes()).isEqualTo(2048L);
  }

  @Test
  void eachBatchWatermarkIsObservedAtTheBatchStart() {
    SparkEventLog log = SparkEventLog.parse(LOG);
    // 2026-01-01T01:58Z = 1767232680000 ms; batch 1 started at 2023-11-14T22:13:27.100Z
    assertThat(log.watermarks().passedAt(1_767_232_680_000L)).hasValue(1_700_000_007_100L);
    assertThat(log.watermarks().passedAt(1_767_232_680_001L)).isEmpty();
  }

  @Test
  void phasesSumTheBatchDurations() {
    // trigger 900 + 2500 = 3.4 s; addBatch 300 + 2150 = 2.45 -> 2.5 (HALF_UP of 2.45 in %.1f);
    // planning 400 + 120 = 0.52 -> 0.5; offsets 100 + 0 + 30 + 5 = 0.135 -> 0.1;
    // checkpoint 50 + 40 + 60 + 55 = 0.205 -> 0.2
    assertThat(SparkEventLog.parse(LOG).phases())
        .isEqualTo(
            "2 micro-batches (1 with input), 3.4 s in batches: running them 2.5 s, planning 0.5 s,"
                + " Kafka offsets 0.1 s, checkpoint writes 0.2 s");
  }

  @Test
  void inputCounterCountsEachBatchsRowsAtItsEnd() {
    SparkEventLog log = SparkEventLog.parse(LOG);
    // batch 0 starts 2023-11-14T22:13:25.000Z = 1700000005000, 900 ms, no rows;
    // batch 1 starts 1700000007100, 2500 ms -> ends 1700000009600 with 5000 + 57 rows
    assertThat(log.input())
        .containsExactly(
            new SteadyState.Sample(1_700_000_005_000L, 0),
            new SteadyState.Sample(1_700_000_005_900L, 0),
            new SteadyState.Sample(1_700_000_009_600L, 5057));
    assertThat(log.checkpointMs()).isEqualTo(50 + 40 + 60 + 55);
    assertThat(log.batches()).isEqualTo(2);
  }

  @Test
  void aLogWithoutJobsIsAnError() {
    assertThatThrownBy(() -> SparkEventLog.parse(List.of(LOG.get(0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no completed Spark job");
  }
}
