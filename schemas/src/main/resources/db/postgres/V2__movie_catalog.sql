-- The product catalogue (DESIGN.md section 3), written by Spark's MovieCatalogJob.
-- Upsert on item_id; updated_at changes only when a product's content changes, so re-running the
-- job on the same file changes nothing.

CREATE TABLE movies_catalog (
    item_id               TEXT        PRIMARY KEY,
    title                 TEXT        NOT NULL,
    product_group         TEXT,
    binding               TEXT,
    genre                 TEXT,
    release_date          DATE,
    running_time_min      INTEGER,
    audience_rating       TEXT,
    list_price_cents      BIGINT      CHECK (list_price_cents >= 0),
    currency              CHAR(3),
    trade_in_value_cents  BIGINT,
    attributes            JSONB       NOT NULL DEFAULT '{}'::jsonb,
    source_records        INTEGER     NOT NULL DEFAULT 1,
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Catalogue records that could not be used, with the raw text and why. Keyed by a hash of the raw
-- record and the reason, so a re-run adds nothing.
CREATE TABLE movies_catalog_quarantine (
    record_hash           TEXT        PRIMARY KEY,
    source_file           TEXT        NOT NULL,
    item_label            TEXT,
    reason                TEXT        NOT NULL,
    raw_record            TEXT        NOT NULL,
    quarantined_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
