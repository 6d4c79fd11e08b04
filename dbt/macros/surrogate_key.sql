{#-
  A deterministic text key from several columns (md5 of their '|'-joined text, nulls as a marker
  that cannot collide with a real value). md5 exists under that name on PostgreSQL and Snowflake.
-#}
{% macro surrogate_key(columns) -%}
    md5(
        {%- for column in columns %}
        coalesce(cast({{ column }} as {{ dbt.type_string() }}), '_null_'){% if not loop.last %} || '|' ||{% endif %}
        {%- endfor %}
    )
{%- endmacro %}
