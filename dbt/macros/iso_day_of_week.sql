{#- ISO day of week of a date: Monday = 1 .. Sunday = 7, whatever the session's week settings. -#}
{% macro iso_day_of_week(date_column) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'cinestream')(date_column)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_column) -%}
    cast(extract(isodow from {{ date_column }}) as integer)
{%- endmacro %}

{% macro snowflake__iso_day_of_week(date_column) -%}
    dayofweekiso({{ date_column }})
{%- endmacro %}
