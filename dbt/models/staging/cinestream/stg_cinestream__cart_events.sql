-- Cart adds and checkouts: renamed, typed, one row per event_id.

with

source as (

    select * from {{ source('cinestream', 'cart_events') }}

),

renamed as (

    select

        ----------  ids
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        event_name,
        cast(user_id as integer) as user_id,
        cast(cart_id as {{ dbt.type_string() }}) as cart_id,
        item_id,

        ---------- properties
        payment_method,
        event_name = 'added_to_cart' as is_add,
        event_name = 'checkout_to_cart' as is_checkout,

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
        cart_id,
        item_id,
        payment_method,
        is_add,
        is_checkout,
        kafka_topic,
        kafka_partition,
        kafka_offset,
        event_at,
        loaded_at

    from deduplicated

)

select * from final
