-- One row per cart event: adds (with item_id) and checkouts (with payment_method).
{{
    config(
        materialized='incremental',
        unique_key='cart_event_id',
        on_schema_change='append_new_columns'
    )
}}

with

cart_events as (

    select * from {{ ref('stg_cinestream__cart_events') }}
    where {{ cinestream.loaded_since_last_run('loaded_at') }}

),

final as (

    select

        ----------  ids
        event_id as cart_event_id,
        cart_id,
        user_id,
        item_id,

        ---------- properties
        event_name,
        is_add,
        is_checkout,
        payment_method,

        ---------- dates and timestamps
        event_at,
        {{ cinestream.utc_date('event_at') }} as event_date,
        loaded_at

    from cart_events

)

select * from final
