package io.cinestream.schemas.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The generated write statements against hand-written SQL. */
class SqlDialectTest {

  @Test
  void postgresUpsertsRegistrationsOnTheirNaturalKey() {
    assertThat(SqlDialect.POSTGRES.writeStatement(OutputTable.USER_REGISTRATION_METRICS))
        .isEqualTo(
            "INSERT INTO user_registration_metrics (engine, window_type, window_start, window_end,"
                + " registration_count, emitted_at) VALUES (?, ?, ?, ?, ?, now())"
                + " ON CONFLICT (engine, window_type, window_start) DO UPDATE SET"
                + " window_end = EXCLUDED.window_end,"
                + " registration_count = EXCLUDED.registration_count,"
                + " emitted_at = EXCLUDED.emitted_at");
  }

  @Test
  void postgresQuotesTheTimestampColumnOfSessionMetrics() {
    assertThat(SqlDialect.POSTGRES.writeStatement(OutputTable.SESSION_METRICS))
        .isEqualTo(
            "INSERT INTO session_metrics (engine, \"timestamp\", active_sessions_count,"
                + " average_session_duration_s, average_active_session_age_s, completed_sessions,"
                + " emitted_at) VALUES (?, ?, ?, ?, ?, ?, now())"
                + " ON CONFLICT (engine, \"timestamp\") DO UPDATE SET"
                + " active_sessions_count = EXCLUDED.active_sessions_count,"
                + " average_session_duration_s = EXCLUDED.average_session_duration_s,"
                + " average_active_session_age_s = EXCLUDED.average_active_session_age_s,"
                + " completed_sessions = EXCLUDED.completed_sessions,"
                + " emitted_at = EXCLUDED.emitted_at");
  }

  @Test
  void postgresInsertsLateEventsIfAbsent() {
    assertThat(SqlDialect.POSTGRES.writeStatement(OutputTable.LATE_EVENTS))
        .isEqualTo(
            "INSERT INTO late_events (engine, job, event_id, kafka_topic, event_time, watermark,"
                + " seen_at) VALUES (?, ?, ?, ?, ?, ?, now())"
                + " ON CONFLICT (engine, job, event_id) DO NOTHING");
  }

  @Test
  void snowflakeMergesMovieSalesWithEveryParameterCast() {
    assertThat(SqlDialect.SNOWFLAKE.writeStatement(OutputTable.MOVIE_SALES_METRICS))
        .isEqualTo(
            "MERGE INTO movie_sales_metrics AS t USING (SELECT CAST(? AS VARCHAR) AS engine,"
                + " CAST(? AS VARCHAR) AS window_type, CAST(? AS VARCHAR) AS movie_id,"
                + " CAST(? AS TIMESTAMP_TZ) AS window_start, CAST(? AS TIMESTAMP_TZ) AS window_end,"
                + " CAST(? AS NUMBER(18,2)) AS total_sales, CAST(? AS BIGINT) AS units_sold,"
                + " CURRENT_TIMESTAMP() AS emitted_at) AS s"
                + " ON t.engine = s.engine AND t.window_type = s.window_type"
                + " AND t.movie_id = s.movie_id AND t.window_start = s.window_start"
                + " WHEN MATCHED THEN UPDATE SET window_end = s.window_end,"
                + " total_sales = s.total_sales, units_sold = s.units_sold,"
                + " emitted_at = s.emitted_at"
                + " WHEN NOT MATCHED THEN INSERT (engine, window_type, movie_id, window_start,"
                + " window_end, total_sales, units_sold, emitted_at) VALUES (s.engine,"
                + " s.window_type, s.movie_id, s.window_start, s.window_end, s.total_sales,"
                + " s.units_sold, s.emitted_at)");
  }

  @Test
  void snowflakeInsertsDeadLettersIfAbsentWithoutAMatchedClause() {
    assertThat(SqlDialect.SNOWFLAKE.writeStatement(OutputTable.DEAD_LETTER_EVENTS))
        .isEqualTo(
            "MERGE INTO dead_letter_events AS t USING (SELECT CAST(? AS VARCHAR) AS kafka_topic,"
                + " CAST(? AS INTEGER) AS kafka_partition, CAST(? AS BIGINT) AS kafka_offset,"
                + " CAST(? AS VARCHAR) AS kafka_key, CAST(? AS VARCHAR) AS raw_value_base64,"
                + " CAST(? AS VARCHAR) AS error, CURRENT_TIMESTAMP() AS seen_at) AS s"
                + " ON t.kafka_topic = s.kafka_topic AND t.kafka_partition = s.kafka_partition"
                + " AND t.kafka_offset = s.kafka_offset"
                + " WHEN NOT MATCHED THEN INSERT (kafka_topic, kafka_partition, kafka_offset,"
                + " kafka_key, raw_value_base64, error, seen_at) VALUES (s.kafka_topic,"
                + " s.kafka_partition, s.kafka_offset, s.kafka_key, s.raw_value_base64, s.error,"
                + " s.seen_at)");
  }

  @Test
  void snowflakeQuotesTheTimestampColumnInTheJoin() {
    assertThat(SqlDialect.SNOWFLAKE.writeStatement(OutputTable.SESSION_METRICS))
        .contains("CAST(? AS TIMESTAMP_TZ) AS \"timestamp\"")
        .contains("ON t.engine = s.engine AND t.\"timestamp\" = s.\"timestamp\"")
        .contains("CAST(? AS DOUBLE) AS average_session_duration_s");
  }

  @Test
  void picksTheDialectFromTheUrlWithoutEchoingIt() {
    assertThat(SqlDialect.forJdbcUrl("jdbc:postgresql://h:5432/db?user=u"))
        .isEqualTo(SqlDialect.POSTGRES);
    assertThat(SqlDialect.forJdbcUrl("jdbc:snowflake://a.snowflakecomputing.com/?db=X"))
        .isEqualTo(SqlDialect.SNOWFLAKE);
    assertThatThrownBy(
            () -> SqlDialect.forJdbcUrl("jdbc:mysql://h/db?password=REPLACE_ME_not_echoed"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:mysql:")
        .hasMessageNotContaining("REPLACE_ME_not_echoed");
  }
}
