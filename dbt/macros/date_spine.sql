{#-
  One row per calendar day in [start_date, end_date] as column date_day, without hub packages:
  a cross join of digit rows gives 0 .. 10^k - 1 day offsets (k from the range length), which is
  portable to every warehouse we target (no generate_series, no recursive CTE).
-#}
{% macro date_spine(start_date, end_date) -%}
    {%- set start = modules.datetime.date.fromisoformat(start_date | string) -%}
    {%- set end = modules.datetime.date.fromisoformat(end_date | string) -%}
    {%- set n_days = (end - start).days + 1 -%}
    {%- if n_days < 1 -%}
        {{ exceptions.raise_compiler_error("date_spine: end_date " ~ end ~ " is before start_date " ~ start) }}
    {%- endif -%}
    {%- set n_digits = (n_days - 1) | string | length -%}
    with digits as (
        {% for d in range(10) -%}
        select {{ d }} as digit{% if not loop.last %} union all{% endif %}
        {% endfor %}
    ),

    offsets as (
        select
            {% for p in range(n_digits) -%}
            d{{ p }}.digit * {{ 10 ** p }}{% if not loop.last %} + {% endif %}
            {%- endfor %} as day_offset
        from
            {% for p in range(n_digits) -%}
            digits as d{{ p }}{% if not loop.last %} cross join{% endif %}
            {% endfor %}
    )

    select
        cast({{ dbt.dateadd('day', 'day_offset', "cast('" ~ start ~ "' as date)") }} as date) as date_day
    from offsets
    where day_offset < {{ n_days }}
{%- endmacro %}
