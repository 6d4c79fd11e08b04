-- One row per unit sold (docs/metrics.md#movie-sales): a checkout_to_cart joined to the added_to_cart
-- events of the same cart at most sales_cart_window_hours (24 h) before it; each add is one unit
-- at the product's list_price_cents; the sale belongs to the checkout's time. Carts never
-- checked out are not sales, and neither are units of products without a price (the engines
-- count those apart, as unpriced).
-- Incremental: re-joins every cart with an event loaded since the last run, so a checkout and an
-- add that arrive in different micro-batches (in either order) still meet.
{{
    config(
        materialized='incremental',
        unique_key='sale_line_id',
        on_schema_change='append_new_columns'
    )
}}

with

cart_events as (

    select * from {{ ref('stg_cinestream__cart_events') }}

),

catalog as (

    select * from {{ ref('stg_cinestream__movies_catalog') }}

),

{% if is_incremental() -%}
touched_carts as (

    select distinct cart_id
    from cart_events
    where {{ cinestream.loaded_since_last_run('loaded_at') }}

),

{% endif -%}

checkouts as (

    select
        event_id as checkout_event_id,
        cart_id,
        user_id,
        payment_method,
        event_at as checked_out_at,
        loaded_at

    from cart_events
    where is_checkout
    {%- if is_incremental() %}
        and cart_id in (select cart_id from touched_carts)
    {%- endif %}

),

adds as (

    select
        event_id as add_event_id,
        cart_id,
        item_id,
        event_at as added_at,
        loaded_at

    from cart_events
    where is_add
    {%- if is_incremental() %}
        and cart_id in (select cart_id from touched_carts)
    {%- endif %}

),

checked_out_units as (

    select
        checkouts.checkout_event_id,
        adds.add_event_id,
        checkouts.cart_id,
        checkouts.user_id,
        adds.item_id,
        checkouts.payment_method,
        checkouts.checked_out_at,
        adds.added_at,
        case
            when adds.loaded_at > checkouts.loaded_at then adds.loaded_at
            else checkouts.loaded_at
        end as loaded_at

    from checkouts
    inner join adds
        on adds.cart_id = checkouts.cart_id
        and adds.added_at <= checkouts.checked_out_at
        and adds.added_at >= {{ dbt.dateadd('hour', -1 * var('sales_cart_window_hours'), 'checkouts.checked_out_at') }}

),

priced_units as (

    select
        checked_out_units.*,
        catalog.list_price_cents

    from checked_out_units
    inner join catalog
        on catalog.item_id = checked_out_units.item_id
    where catalog.list_price_cents is not null

),

final as (

    select

        ----------  ids
        {{ cinestream.surrogate_key(['checkout_event_id', 'add_event_id']) }} as sale_line_id,
        checkout_event_id,
        add_event_id,
        cart_id,
        user_id,
        item_id,

        ---------- properties
        payment_method,

        ---------- numerics
        1 as quantity,
        list_price_cents as price_cents,
        {{ cinestream.cents_to_dollars('list_price_cents') }} as price,

        ---------- dates and timestamps
        checked_out_at as sold_at,
        {{ cinestream.utc_date('checked_out_at') }} as sale_date,
        added_at,
        loaded_at

    from priced_units

)

select * from final
