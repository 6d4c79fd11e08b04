{#-
  Cross-database date truncation IN UTC. Event times are TIMESTAMPTZ / TIMESTAMP_TZ, and a plain
  date_trunc / ::date uses the session time zone (PostgreSQL TimeZone, Snowflake TIMEZONE), so a
  session in another zone would move events across day boundaries. Every day/hour/week in the
  project goes through these macros, which convert to UTC first (docs/metrics.md: UTC-aligned
  windows; ISO weeks start Monday 00:00 UTC).

  utc_date_trunc(datepart, ts) -> timestamp (without zone) holding the UTC wall-clock bucket start
  utc_date(ts)                 -> the UTC calendar date
-#}
{% macro utc_date_trunc(datepart, timestamp_column) -%}
    {{ return(adapter.dispatch('utc_date_trunc', 'cinestream')(datepart, timestamp_column)) }}
{%- endmacro %}

{% macro default__utc_date_trunc(datepart, timestamp_column) -%}
    {#- PostgreSQL: `at time zone 'UTC'` turns timestamptz into UTC wall-clock time; week = ISO. -#}
    date_trunc('{{ datepart }}', ({{ timestamp_column }}) at time zone 'UTC')
{%- endmacro %}

{% macro snowflake__utc_date_trunc(datepart, timestamp_column) -%}
    {%- if datepart | lower == 'week' -%}
        {#- Snowflake's week start follows WEEK_START; compute the ISO Monday explicitly. -#}
        dateadd(
            'day',
            1 - dayofweekiso(convert_timezone('UTC', {{ timestamp_column }})::timestamp_ntz),
            date_trunc('day', convert_timezone('UTC', {{ timestamp_column }})::timestamp_ntz)
        )
    {%- else -%}
        date_trunc('{{ datepart }}', convert_timezone('UTC', {{ timestamp_column }})::timestamp_ntz)
    {%- endif -%}
{%- endmacro %}

{% macro utc_date(timestamp_column) -%}
    cast({{ cinestream.utc_date_trunc('day', timestamp_column) }} as date)
{%- endmacro %}

{#- The zoned timestamp type (timestamptz / timestamp_tz), for literals compared with event times. -#}
{% macro type_timestamp_tz() -%}
    {{ return(adapter.dispatch('type_timestamp_tz', 'cinestream')()) }}
{%- endmacro %}

{% macro default__type_timestamp_tz() -%}timestamptz{%- endmacro %}

{% macro snowflake__type_timestamp_tz() -%}timestamp_tz{%- endmacro %}
