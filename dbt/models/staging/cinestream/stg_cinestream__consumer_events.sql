-- Registration, sign-in and sign-out events: renamed, typed, one row per event_id.

with

source as (

    select * from {{ source('cinestream', 'consumer_events') }}

),

renamed as (

    select

        ----------  ids
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        event_name,
        cast(user_id as integer) as user_id,

        ---------- properties (registrations only)
        cast(age as integer) as age,
        masked_email,
        preferred_language,

        ---------- kafka lineage
        kafka_topic,
        cast(kafka_partition as integer) as kafka_partition,
        cast(kafka_offset as bigint) as kafka_offset,

        ---------- timestamps
        event_time as event_at,
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
        event_name,
        user_id,
        age,
        masked_email,
        preferred_language,
        kafka_topic,
        kafka_partition,
        kafka_offset,
        event_at,
        loaded_at

    from deduplicated

)

select * from final
