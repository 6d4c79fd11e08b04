-- Item views: renamed, typed, one row per event_id.

with

source as (

    select * from {{ source('cinestream', 'item_view_events') }}

),

renamed as (

    select

        ----------  ids
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(user_id as integer) as user_id,
        item_id,

        ---------- kafka lineage
        kafka_topic,
        cast(kafka_partition as integer) as kafka_partition,
        cast(kafka_offset as bigint) as kafka_offset,

        ---------- timestamps
        event_time as viewed_at,
        loaded_at

    from source

),

-- Producers retry, and Snowflake does not enforce primary keys: keep the first load of an event.
deduplicated as (

    {{ first_load_per_event('renamed') }}

),

final as (

    select
        event_id,
        user_id,
        item_id,
        kafka_topic,
        kafka_partition,
        kafka_offset,
        viewed_at,
        loaded_at

    from deduplicated

)

select * from final
