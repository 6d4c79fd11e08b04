{#-
  The incremental filter shared by the fact tables: on an incremental run, re-read the source rows
  loaded from `lookback` hours before the newest loaded_at already in the target. The merge on the
  model's unique_key makes the overlap harmless; the lookback covers micro-batches that commit out
  of order. On a full refresh (and in unit tests) the filter is `true`.
-#}
{% macro loaded_since_last_run(loaded_at_column, target_loaded_at_column='loaded_at') -%}
    {%- if is_incremental() -%}
        (
        {{ loaded_at_column }} >= (
            select {{ dbt.dateadd('hour', -1 * var('incremental_lookback_hours'), 'max(' ~ target_loaded_at_column ~ ')') }}
            from {{ this }}
        )
        or (select max({{ target_loaded_at_column }}) from {{ this }}) is null
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
