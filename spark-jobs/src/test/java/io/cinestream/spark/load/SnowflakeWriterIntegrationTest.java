package io.cinestream.spark.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cinestream.testsupport.SparkTestSession;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import net.snowflake.spark.snowflake.Utils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The whole {@code snowflake} write path (connector write into the per-batch stage, MERGE, DROP)
 * against a real Snowflake account. The connector's write (internal stage PUT + COPY) cannot run on
 * the fakesnow emulator (docs/production.md#what-the-emulator-does-and-does-not-test), so this test
 * runs only when {@code SNOWFLAKE_URL} and the other variables of {@link SnowflakeWarehouseWriter}
 * are set, and is skipped otherwise. It writes dead letters under a unique topic name and deletes
 * them afterwards.
 */
class SnowflakeWriterIntegrationTest {

  @Test
  void writesABatchIdempotentlyThroughTheConnector() throws Exception {
    Map<String, String> env = System.getenv();
    assumeTrue(
        env.get("SNOWFLAKE_URL") != null,
        "SNOWFLAKE_URL not set: the connector write path needs a real Snowflake account (it"
            + " cannot run on fakesnow); the MERGE SQL is covered by SnowflakeMergeTest");
    Map<String, String> options = SnowflakeWarehouseWriter.optionsFromEnvironment(env);
    SnowflakeWarehouseWriter writer = new SnowflakeWarehouseWriter(options);
    writer.prepare();
    String topic = "loader_it_" + System.nanoTime();
    SparkSession spark = SparkTestSession.get();
    List<Row> rows = new ArrayList<>();
    for (long offset = 0; offset < 3; offset++) {
      Object[] v = new Object[DecodedEvents.SCHEMA.size()];
      v[0] = DecodedEvents.DEAD_LETTER;
      v[12] = topic;
      v[13] = 0;
      v[14] = offset;
      v[15] = "7";
      v[16] = Base64.getEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8));
      v[17] = "BAD_MAGIC_BYTE: test";
      rows.add(RowFactory.create(v));
    }
    Dataset<Row> batch = spark.createDataFrame(rows, DecodedEvents.SCHEMA);
    try {
      BatchResult first = writer.write(batch, 1);
      BatchResult replay = writer.write(batch, 1);
      assertThat(first.inserted()).containsEntry(RawTable.DEAD_LETTER_EVENTS, 3L);
      assertThat(replay.inserted()).containsEntry(RawTable.DEAD_LETTER_EVENTS, 0L);
      try (ResultSet rs =
          Utils.runQuery(
              options,
              "SELECT COUNT(*) FROM dead_letter_events WHERE kafka_topic = '" + topic + "'")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(3);
      }
    } finally {
      Utils.runQuery(options, "DELETE FROM dead_letter_events WHERE kafka_topic = '" + topic + "'");
    }
  }
}
