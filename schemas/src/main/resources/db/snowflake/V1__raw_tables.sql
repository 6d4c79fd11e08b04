-- Raw warehouse tables (DESIGN.md section 4) in Snowflake types: the twin of
-- db/postgres/V1__raw_tables.sql, column for column. UUIDs are VARCHAR(36) (Snowflake has no UUID
-- type), TIMESTAMPTZ is TIMESTAMP_TZ; PRIMARY KEY is informational in Snowflake (the loader's MERGE
-- keeps keys unique) and CHECK constraints do not exist there. Idempotent (IF NOT EXISTS): the
-- Spark loader runs these files at start-up.

CREATE TABLE IF NOT EXISTS consumer_events (
    event_id            VARCHAR(36)  NOT NULL,
    event_name          VARCHAR      NOT NULL,
    user_id             INTEGER      NOT NULL,
    event_time          TIMESTAMP_TZ NOT NULL,
    age                 SMALLINT,
    masked_email        VARCHAR,
    preferred_language  VARCHAR,
    kafka_topic         VARCHAR      NOT NULL,
    kafka_partition     INTEGER      NOT NULL,
    kafka_offset        BIGINT       NOT NULL,
    loaded_at           TIMESTAMP_TZ NOT NULL DEFAULT CURRENT_TIMESTAMP(),
    PRIMARY KEY (event_id)
);

CREATE TABLE IF NOT EXISTS item_view_events (
    event_id            VARCHAR(36)  NOT NULL,
    user_id             INTEGER      NOT NULL,
    item_id             VARCHAR      NOT NULL,
    event_time          TIMESTAMP_TZ NOT NULL,
    kafka_topic         VARCHAR      NOT NULL,
    kafka_partition     INTEGER      NOT NULL,
    kafka_offset        BIGINT       NOT NULL,
    loaded_at           TIMESTAMP_TZ NOT NULL DEFAULT CURRENT_TIMESTAMP(),
    PRIMARY KEY (event_id)
);

-- added_to_cart and checkout_to_cart: item_id is set on adds, payment_method on checkouts.
CREATE TABLE IF NOT EXISTS cart_events (
    event_id            VARCHAR(36)  NOT NULL,
    event_name          VARCHAR      NOT NULL,
    user_id             INTEGER      NOT NULL,
    cart_id             VARCHAR(36)  NOT NULL,
    item_id             VARCHAR,
    payment_method      VARCHAR,
    event_time          TIMESTAMP_TZ NOT NULL,
    kafka_topic         VARCHAR      NOT NULL,
    kafka_partition     INTEGER      NOT NULL,
    kafka_offset        BIGINT       NOT NULL,
    loaded_at           TIMESTAMP_TZ NOT NULL DEFAULT CURRENT_TIMESTAMP(),
    PRIMARY KEY (event_id)
);

CREATE TABLE IF NOT EXISTS item_rating_events (
    event_id            VARCHAR(36)  NOT NULL,
    user_id             INTEGER      NOT NULL,
    item_id             VARCHAR      NOT NULL,
    rating              SMALLINT     NOT NULL,
    event_time          TIMESTAMP_TZ NOT NULL,
    kafka_topic         VARCHAR      NOT NULL,
    kafka_partition     INTEGER      NOT NULL,
    kafka_offset        BIGINT       NOT NULL,
    loaded_at           TIMESTAMP_TZ NOT NULL DEFAULT CURRENT_TIMESTAMP(),
    PRIMARY KEY (event_id)
);

-- Events that could not be decoded: never dropped, kept with their raw bytes and the reason.
CREATE TABLE IF NOT EXISTS dead_letter_events (
    kafka_topic         VARCHAR      NOT NULL,
    kafka_partition     INTEGER      NOT NULL,
    kafka_offset        BIGINT       NOT NULL,
    kafka_key           VARCHAR,
    raw_value_base64    VARCHAR,
    error               VARCHAR      NOT NULL,
    seen_at             TIMESTAMP_TZ NOT NULL DEFAULT CURRENT_TIMESTAMP(),
    PRIMARY KEY (kafka_topic, kafka_partition, kafka_offset)
);
