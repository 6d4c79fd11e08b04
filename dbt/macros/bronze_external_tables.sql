{#-
  Snowflake external tables over the bronze lake (docs/architecture.md#bronze-lake): one per event
  topic (bronze_<topic>, partitioned by event_date from the folder name), one over the dead letters
  (bronze_dead_letters) and one over the catalogue's quarantine (bronze_catalog_quarantine), in the
  schema `<target schema>_bronze`.

    dbt run-operation create_bronze_external_tables --target snowflake \
        --args '{stage: "@raw.cinestream_lake"}'

  The stage is an external stage whose URL is the lake's root (LAKE_URI's bucket and path: s3://,
  gcs://, azure://), created by the account's administrator with its storage integration; the
  tables are refreshed with `alter external table ... refresh` (AUTO_REFRESH needs the bucket's
  event notifications, left to the deployment). The loader's files hold event_time_ms (epoch
  milliseconds, UTC): event_time is computed from it as TIMESTAMP_TZ in UTC.

  Not tested here: the local Snowflake emulator (fakesnow) has no stages nor external tables, so
  this macro has never run against Snowflake. `bronze_external_tables_sql` renders the statements
  without running them (dbt run-operation bronze_external_tables_sql --args '{stage: "@s", schema:
  x, show: true}' prints them on any target); on another target than snowflake,
  create_bronze_external_tables refuses.
-#}

{% macro bronze_event_topics() -%}
    {{ return(["consumer_registration", "sign_in", "sign_out", "item_view", "added_to_cart",
                "checkout_to_cart", "item_rating"]) }}
{%- endmacro %}

{% macro bronze_external_tables_sql(stage, schema, show=false) -%}
    {%- set statements = ["create schema if not exists " ~ schema] -%}
    {%- for topic in bronze_event_topics() -%}
        {%- do statements.append(
"create or replace external table " ~ schema ~ ".bronze_" ~ topic ~ " (
    event_date date as to_date(split_part(split_part(metadata$filename, 'event_date=', 2), '/', 1)),
    event_id varchar as (value:event_id::varchar),
    event_name varchar as (value:event_name::varchar),
    user_id integer as (value:user_id::integer),
    event_time_ms number(18, 0) as (value:event_time_ms::number(18, 0)),
    event_time timestamp_tz as (to_timestamp_tz(value:event_time_ms::number(18, 0), 3)),
    age integer as (value:age::integer),
    masked_email varchar as (value:masked_email::varchar),
    preferred_language varchar as (value:preferred_language::varchar),
    item_id varchar as (value:item_id::varchar),
    cart_id varchar as (value:cart_id::varchar),
    payment_method varchar as (value:payment_method::varchar),
    rating integer as (value:rating::integer),
    kafka_topic varchar as (value:kafka_topic::varchar),
    kafka_partition integer as (value:kafka_partition::integer),
    kafka_offset number(18, 0) as (value:kafka_offset::number(18, 0))
)
partition by (event_date)
location = " ~ stage ~ "/bronze/" ~ topic ~ "/
file_format = (type = parquet)
pattern = '.*[.]parquet'
auto_refresh = false") -%}
    {%- endfor -%}
    {%- do statements.append(
"create or replace external table " ~ schema ~ ".bronze_dead_letters (
    kafka_topic varchar as (value:kafka_topic::varchar),
    kafka_partition integer as (value:kafka_partition::integer),
    kafka_offset number(18, 0) as (value:kafka_offset::number(18, 0)),
    kafka_key varchar as (value:kafka_key::varchar),
    raw_value_base64 varchar as (value:raw_value_base64::varchar),
    error varchar as (value:error::varchar)
)
location = " ~ stage ~ "/dead_letters/
file_format = (type = parquet)
pattern = '.*[.]parquet'
auto_refresh = false") -%}
    {%- do statements.append(
"create or replace external table " ~ schema ~ ".bronze_catalog_quarantine (
    source varchar as (split_part(split_part(metadata$filename, 'source=', 2), '/', 1)),
    record_hash varchar as (value:record_hash::varchar),
    source_file varchar as (value:source_file::varchar),
    item_label varchar as (value:item_label::varchar),
    reason varchar as (value:reason::varchar),
    raw_record varchar as (value:raw_record::varchar)
)
partition by (source)
location = " ~ stage ~ "/quarantine/movies_catalog/
file_format = (type = parquet)
pattern = '.*[.]parquet'
auto_refresh = false") -%}
    {%- if show -%}
        {%- for statement in statements -%}
            {{ log(statement ~ ";", info=true) }}
        {%- endfor -%}
    {%- endif -%}
    {{ return(statements) }}
{%- endmacro %}

{% macro create_bronze_external_tables(stage, schema=none) -%}
    {{ return(adapter.dispatch('create_bronze_external_tables', 'cinestream')(stage, schema)) }}
{%- endmacro %}

{% macro default__create_bronze_external_tables(stage, schema) -%}
    {{ exceptions.raise_compiler_error(
        "bronze external tables exist only on Snowflake, not on target type " ~ target.type) }}
{%- endmacro %}

{% macro snowflake__create_bronze_external_tables(stage, schema) -%}
    {%- if not stage -%}
        {{ exceptions.raise_compiler_error("--args '{stage: \"@db.schema.stage\"}': the external stage over LAKE_URI") }}
    {%- endif -%}
    {%- set schema = schema or (target.schema ~ "_bronze") -%}
    {%- for statement in bronze_external_tables_sql(stage, schema) -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
    {{ log("created " ~ (bronze_event_topics() | length + 2) ~ " external tables in " ~ schema, info=true) }}
{%- endmacro %}
