-- The watermark tick records the raw loader read, in Snowflake types: the twin of
-- db/postgres/V6__watermark_ticks.sql. Merged on the Kafka coordinates, like the dead letters.

CREATE TABLE IF NOT EXISTS watermark_ticks (
    kafka_topic         VARCHAR      NOT NULL,
    kafka_partition     INTEGER      NOT NULL,
    kafka_offset        BIGINT       NOT NULL,
    tick_time           TIMESTAMP_TZ NOT NULL,
    loaded_at           TIMESTAMP_TZ NOT NULL DEFAULT CURRENT_TIMESTAMP(),
    PRIMARY KEY (kafka_topic, kafka_partition, kafka_offset)
);
