-- The watermark tick records the raw loader read (io.cinestream.schemas.WatermarkTick): one row per
-- tick record, keyed by its Kafka coordinates like the dead letters, tick_time = its event time
-- (the Kafka record timestamp). A tick carries no event, but it moves every engine's watermark,
-- hence how far the session ticks run (docs/metrics.md#sessions: watermark tick records included);
-- the reference reads the latest tick of the sign topics from here, so that it judges the engines
-- on the same horizon. Insert-if-absent, so replays change nothing.
CREATE TABLE watermark_ticks (
    kafka_topic         TEXT        NOT NULL,
    kafka_partition     INTEGER     NOT NULL,
    kafka_offset        BIGINT      NOT NULL,
    tick_time           TIMESTAMPTZ NOT NULL,
    loaded_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (kafka_topic, kafka_partition, kafka_offset)
);
