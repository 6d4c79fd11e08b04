-- Metric tables (DESIGN.md section 5). Every row carries the engine that computed it
-- ('flink', 'spark', 'reference') and when it was emitted; writes are upserts on the natural key.

CREATE TABLE user_registration_metrics (
    engine                TEXT        NOT NULL CHECK (engine IN ('flink', 'spark', 'reference')),
    window_type           TEXT        NOT NULL CHECK (window_type IN ('tumbling_1h', 'sliding_1h_15m')),
    window_start          TIMESTAMPTZ NOT NULL,
    window_end            TIMESTAMPTZ NOT NULL,
    registration_count    BIGINT      NOT NULL,
    emitted_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (engine, window_type, window_start)
);

CREATE TABLE session_metrics (
    engine                        TEXT             NOT NULL CHECK (engine IN ('flink', 'spark', 'reference')),
    "timestamp"                   TIMESTAMPTZ      NOT NULL,
    active_sessions_count         BIGINT           NOT NULL,
    average_session_duration_s    DOUBLE PRECISION,
    average_active_session_age_s  DOUBLE PRECISION,
    completed_sessions            BIGINT           NOT NULL,
    emitted_at                    TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (engine, "timestamp")
);

-- Sign-outs without an open session, per engine and event-time minute (DESIGN section 5).
CREATE TABLE orphan_sign_outs (
    engine                TEXT        NOT NULL CHECK (engine IN ('flink', 'spark', 'reference')),
    minute                TIMESTAMPTZ NOT NULL,
    orphan_count          BIGINT      NOT NULL,
    emitted_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (engine, minute)
);

CREATE TABLE movie_sales_metrics (
    engine                TEXT          NOT NULL CHECK (engine IN ('flink', 'spark', 'reference')),
    window_type           TEXT          NOT NULL CHECK (window_type IN ('daily', 'weekly', 'cumulative')),
    movie_id              TEXT          NOT NULL,
    window_start          TIMESTAMPTZ   NOT NULL,
    window_end            TIMESTAMPTZ   NOT NULL,
    total_sales           NUMERIC(18,2) NOT NULL,
    units_sold            BIGINT        NOT NULL,
    emitted_at            TIMESTAMPTZ   NOT NULL DEFAULT now(),
    PRIMARY KEY (engine, window_type, movie_id, window_start)
);

-- Events that arrived behind a job's watermark: counted, never silently lost.
CREATE TABLE late_events (
    engine                TEXT        NOT NULL CHECK (engine IN ('flink', 'spark', 'reference')),
    job                   TEXT        NOT NULL,
    event_id              UUID        NOT NULL,
    kafka_topic           TEXT        NOT NULL,
    event_time            TIMESTAMPTZ NOT NULL,
    watermark             TIMESTAMPTZ,
    seen_at               TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (engine, job, event_id)
);
