-- The product catalogue (DESIGN.md section 3) in Snowflake types: the twin of
-- db/postgres/V2__movie_catalog.sql (JSONB is VARIANT).

CREATE TABLE IF NOT EXISTS movies_catalog (
    item_id               VARCHAR      NOT NULL,
    title                 VARCHAR      NOT NULL,
    product_group         VARCHAR,
    binding               VARCHAR,
    genre                 VARCHAR,
    release_date          DATE,
    running_time_min      INTEGER,
    audience_rating       VARCHAR,
    list_price_cents      BIGINT,
    currency              VARCHAR(3),
    trade_in_value_cents  BIGINT,
    attributes            VARIANT,
    source_records        INTEGER      NOT NULL DEFAULT 1,
    updated_at            TIMESTAMP_TZ NOT NULL DEFAULT CURRENT_TIMESTAMP(),
    PRIMARY KEY (item_id)
);

-- Catalogue records that could not be used, with the raw text and why.
CREATE TABLE IF NOT EXISTS movies_catalog_quarantine (
    record_hash           VARCHAR      NOT NULL,
    source_file           VARCHAR      NOT NULL,
    item_label            VARCHAR,
    reason                VARCHAR      NOT NULL,
    raw_record            VARCHAR      NOT NULL,
    quarantined_at        TIMESTAMP_TZ NOT NULL DEFAULT CURRENT_TIMESTAMP(),
    PRIMARY KEY (record_hash)
);
