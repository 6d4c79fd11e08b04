package io.cinestream.flink.sql;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

/**
 * The DataStream-to-Table bridge of the Flink SQL peer jobs ({@code RegistrationMetricsSqlJob},
 * {@code MovieSalesSqlJob}): a table environment whose windows are UTC-aligned, tables made from a
 * decoded {@link DataStream} with a {@code rowtime} attribute that carries the stream's own
 * timestamps and watermarks, and the conversion of window bounds back to UTC milliseconds.
 */
public final class SqlTables {

  /** The name of the event-time attribute of every table made by {@link #withRowtime}. */
  public static final String ROWTIME = "rowtime";

  private SqlTables() {}

  /**
   * A table environment on {@code env} with {@code table.local-time-zone} = UTC, so that windows
   * over a {@code TIMESTAMP_LTZ} attribute are aligned to UTC (docs/metrics.md) and window_start /
   * window_end come out as UTC wall-clock {@code TIMESTAMP(3)}.
   */
  public static StreamTableEnvironment environment(StreamExecutionEnvironment env) {
    StreamTableEnvironment tableEnv = StreamTableEnvironment.create(env);
    tableEnv.getConfig().setLocalTimeZone(ZoneOffset.UTC);
    return tableEnv;
  }

  /**
   * A table of {@code rows} (their named fields become the columns) plus {@code rowtime
   * TIMESTAMP_LTZ(3)}: the stream record's event-time timestamp (UTC ms), with the stream's
   * watermark ({@code SOURCE_WATERMARK()}): the SQL windows close exactly when the DataStream ones
   * would.
   *
   * @param tableEnv the table environment of the job
   * @param rows records with event-time timestamps and a named row type
   * @return the table; not registered (callers name it with {@code createTemporaryView})
   */
  public static Table withRowtime(StreamTableEnvironment tableEnv, DataStream<Row> rows) {
    return tableEnv.fromDataStream(
        rows,
        Schema.newBuilder()
            .columnByMetadata(ROWTIME, "TIMESTAMP_LTZ(3)")
            .watermark(ROWTIME, "SOURCE_WATERMARK()")
            .build());
  }

  /**
   * A window bound as UTC ms: window_start / window_end of a window TVF over a {@code
   * TIMESTAMP_LTZ} attribute are {@code TIMESTAMP(3)} in the session time zone, UTC here.
   */
  public static long utcMs(LocalDateTime windowBound) {
    return windowBound.toInstant(ZoneOffset.UTC).toEpochMilli();
  }
}
