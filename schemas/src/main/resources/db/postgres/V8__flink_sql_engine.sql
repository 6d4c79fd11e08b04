-- The Flink SQL peer jobs (RegistrationMetricsSqlJob, MovieSalesSqlJob, issue 21) write their rows
-- under engine 'flink_sql', beside the DataStream jobs' 'flink' rows, so that the bench can compare
-- the two with EXCEPT both ways. The engine column's check admits the new value on every table
-- those jobs write (and on the session tables, so that one list of engines holds everywhere).
-- The constraints are the ones PostgreSQL named for the inline CHECKs of V3/V4: <table>_engine_check.
ALTER TABLE user_registration_metrics DROP CONSTRAINT user_registration_metrics_engine_check;
ALTER TABLE user_registration_metrics ADD CONSTRAINT user_registration_metrics_engine_check
    CHECK (engine IN ('flink', 'flink_sql', 'spark', 'reference'));

ALTER TABLE session_metrics DROP CONSTRAINT session_metrics_engine_check;
ALTER TABLE session_metrics ADD CONSTRAINT session_metrics_engine_check
    CHECK (engine IN ('flink', 'flink_sql', 'spark', 'reference'));

ALTER TABLE orphan_sign_outs DROP CONSTRAINT orphan_sign_outs_engine_check;
ALTER TABLE orphan_sign_outs ADD CONSTRAINT orphan_sign_outs_engine_check
    CHECK (engine IN ('flink', 'flink_sql', 'spark', 'reference'));

ALTER TABLE movie_sales_metrics DROP CONSTRAINT movie_sales_metrics_engine_check;
ALTER TABLE movie_sales_metrics ADD CONSTRAINT movie_sales_metrics_engine_check
    CHECK (engine IN ('flink', 'flink_sql', 'spark', 'reference'));

ALTER TABLE late_events DROP CONSTRAINT late_events_engine_check;
ALTER TABLE late_events ADD CONSTRAINT late_events_engine_check
    CHECK (engine IN ('flink', 'flink_sql', 'spark', 'reference'));

ALTER TABLE unpriced_sale_items DROP CONSTRAINT unpriced_sale_items_engine_check;
ALTER TABLE unpriced_sale_items ADD CONSTRAINT unpriced_sale_items_engine_check
    CHECK (engine IN ('flink', 'flink_sql', 'spark', 'reference'));
