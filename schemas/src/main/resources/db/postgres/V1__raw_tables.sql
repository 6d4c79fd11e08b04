-- Raw warehouse tables (DESIGN.md section 4), loaded by Spark's RawEventLoader.
-- Every row keeps event_id as primary key (insert-if-absent: replays and producer retries never
-- duplicate), its Kafka coordinates and the time it was loaded. Event time is TIMESTAMPTZ (UTC).

CREATE TABLE consumer_events (
    event_id            UUID        PRIMARY KEY,
    event_name          TEXT        NOT NULL CHECK (event_name IN ('consumer_registration', 'sign_in', 'sign_out')),
    user_id             INTEGER     NOT NULL,
    event_time          TIMESTAMPTZ NOT NULL,
    age                 SMALLINT,
    masked_email        TEXT,
    preferred_language  TEXT        CHECK (preferred_language IN ('eng', 'geo', 'll')),
    kafka_topic         TEXT        NOT NULL,
    kafka_partition     INTEGER     NOT NULL,
    kafka_offset        BIGINT      NOT NULL,
    loaded_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX consumer_events_user_time ON consumer_events (user_id, event_time);

CREATE TABLE item_view_events (
    event_id            UUID        PRIMARY KEY,
    user_id             INTEGER     NOT NULL,
    item_id             TEXT        NOT NULL,
    event_time          TIMESTAMPTZ NOT NULL,
    kafka_topic         TEXT        NOT NULL,
    kafka_partition     INTEGER     NOT NULL,
    kafka_offset        BIGINT      NOT NULL,
    loaded_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- added_to_cart and checkout_to_cart: item_id is set on adds, payment_method on checkouts.
CREATE TABLE cart_events (
    event_id            UUID        PRIMARY KEY,
    event_name          TEXT        NOT NULL CHECK (event_name IN ('added_to_cart', 'checkout_to_cart')),
    user_id             INTEGER     NOT NULL,
    cart_id             UUID        NOT NULL,
    item_id             TEXT,
    payment_method      TEXT        CHECK (payment_method IN ('Cash', 'Card')),
    event_time          TIMESTAMPTZ NOT NULL,
    kafka_topic         TEXT        NOT NULL,
    kafka_partition     INTEGER     NOT NULL,
    kafka_offset        BIGINT      NOT NULL,
    loaded_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX cart_events_cart ON cart_events (cart_id);

CREATE TABLE item_rating_events (
    event_id            UUID        PRIMARY KEY,
    user_id             INTEGER     NOT NULL,
    item_id             TEXT        NOT NULL,
    rating              SMALLINT    NOT NULL CHECK (rating BETWEEN 1 AND 5),
    event_time          TIMESTAMPTZ NOT NULL,
    kafka_topic         TEXT        NOT NULL,
    kafka_partition     INTEGER     NOT NULL,
    kafka_offset        BIGINT      NOT NULL,
    loaded_at           TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Events that could not be decoded: never dropped, kept with their raw bytes and the reason.
CREATE TABLE dead_letter_events (
    kafka_topic         TEXT        NOT NULL,
    kafka_partition     INTEGER     NOT NULL,
    kafka_offset        BIGINT      NOT NULL,
    kafka_key           TEXT,
    raw_value_base64    TEXT,
    error               TEXT        NOT NULL,
    seen_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (kafka_topic, kafka_partition, kafka_offset)
);
