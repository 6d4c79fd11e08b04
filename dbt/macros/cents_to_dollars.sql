{#-
  Integer cents -> dollars with two decimals, exact (numeric division, never floating point).
  Prices and sales are stored as integer cents end to end (docs/metrics.md#movie-sales); dollars are
  derived only at the edge, so sums of dollars equal dollars of sums.
-#}
{% macro cents_to_dollars(column_name, scale=2) -%}
    {{ return(adapter.dispatch('cents_to_dollars', 'cinestream')(column_name, scale)) }}
{%- endmacro %}

{% macro default__cents_to_dollars(column_name, scale) -%}
    cast(({{ column_name }}) / 100.0 as numeric(18, {{ scale }}))
{%- endmacro %}

{% macro snowflake__cents_to_dollars(column_name, scale) -%}
    cast(({{ column_name }}) / 100 as number(18, {{ scale }}))
{%- endmacro %}
