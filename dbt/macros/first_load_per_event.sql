{#-
  Keeps one row per event_id of `relation` (a CTE name or a relation): the first load of the event,
  by loaded_at and then its Kafka coordinates. Producers retry and Snowflake does not enforce primary
  keys, so a raw table may hold an event more than once (PostgreSQL's primary key makes this a no-op
  there). Output: the columns of `relation` plus `event_copy` (always 1), for the caller's final
  select to leave out.
-#}
{% macro first_load_per_event(relation) -%}
    select *
    from (
        select
            *,
            row_number() over (
                partition by event_id order by loaded_at, kafka_topic, kafka_partition, kafka_offset
            ) as event_copy
        from {{ relation }}
    ) as event_copies
    where event_copy = 1
{%- endmacro %}
