-- Units sold of a product that had no catalogue price when the sale was priced (movie-sales job,
-- PriceSaleItems): not sales in movie_sales_metrics, and kept here rather than only logged, so that
-- nothing is lost silently (DESIGN section 2). The generator only puts priced products into carts,
-- so a row here flags a catalogue/events mismatch. Upserts on the natural key, like the metrics.
CREATE TABLE unpriced_sale_items (
    engine                TEXT        NOT NULL CHECK (engine IN ('flink', 'spark', 'reference')),
    movie_id              TEXT        NOT NULL,
    checkout_time         TIMESTAMPTZ NOT NULL,
    units                 BIGINT      NOT NULL,
    emitted_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (engine, movie_id, checkout_time)
);
