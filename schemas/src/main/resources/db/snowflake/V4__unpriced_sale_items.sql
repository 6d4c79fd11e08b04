-- Units sold of a product that had no catalogue price (movie-sales job) in Snowflake types: the
-- twin of db/postgres/V4__unpriced_sale_items.sql. Written with the generated MERGE, like the
-- metrics.

CREATE TABLE IF NOT EXISTS unpriced_sale_items (
    engine                VARCHAR      NOT NULL,
    movie_id              VARCHAR      NOT NULL,
    checkout_time         TIMESTAMP_TZ NOT NULL,
    units                 BIGINT       NOT NULL,
    emitted_at            TIMESTAMP_TZ NOT NULL DEFAULT CURRENT_TIMESTAMP(),
    PRIMARY KEY (engine, movie_id, checkout_time)
);
