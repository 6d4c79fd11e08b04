-- Per registered user: the measures the segment rules read (macros/segment_rules.sql), as of one
-- instant: var segment_as_of, else the data's own clock (the latest event time in the warehouse),
-- so a rebuild over the same data always gives the same segments.

with

users as (

    select * from {{ ref('dim_user') }}

),

consumer_events as (

    select * from {{ ref('stg_cinestream__consumer_events') }}

),

item_views as (

    select * from {{ ref('fct_item_views') }}

),

cart_events as (

    select * from {{ ref('fct_cart_events') }}

),

sales as (

    select * from {{ ref('fct_sales') }}

),

ratings as (

    select * from {{ ref('fct_ratings') }}

),

user_events as (

    select user_id, event_at from consumer_events
    union all
    select user_id, viewed_at as event_at from item_views
    union all
    select user_id, event_at from cart_events
    union all
    select user_id, rated_at as event_at from ratings

),

clock as (

    select
        {% if var('segment_as_of') -%}
        cast('{{ var("segment_as_of") }}' as {{ cinestream.type_timestamp_tz() }})
        {%- else -%}
        max(event_at)
        {%- endif %} as as_of

    from user_events

),

bounds as (

    select
        as_of,
        {{ dbt.dateadd('day', -1 * var('segment_window_days'), 'as_of') }} as window_start_at,
        {{ dbt.dateadd('hour', -1 * var('sales_cart_window_hours'), 'as_of') }} as abandon_before_at

    from clock

),

last_activity as (

    select
        user_events.user_id,
        max(user_events.event_at) as last_activity_at

    from user_events
    cross join bounds
    where user_events.event_at <= bounds.as_of
    group by 1

),

revenue as (

    select
        sales.user_id,
        sum(sales.price_cents) as lifetime_revenue_cents,
        count(distinct case when sales.sold_at > bounds.window_start_at then sales.checkout_event_id end)
            as purchases_in_window

    from sales
    cross join bounds
    where sales.sold_at <= bounds.as_of
    group by 1

),

views_in_window as (

    select
        item_views.user_id,
        count(*) as views_in_window

    from item_views
    cross join bounds
    where item_views.viewed_at > bounds.window_start_at
        and item_views.viewed_at <= bounds.as_of
    group by 1

),

-- A cart is abandoned when it was never checked out (as of as_of) and its last add is too old
-- for a checkout to still make it a sale.
carts as (

    select
        cart_events.cart_id,
        min(cart_events.user_id) as user_id,
        max(case when cart_events.is_add then cart_events.event_at end) as last_added_at,
        max(case when cart_events.is_checkout then 1 else 0 end) as is_checked_out

    from cart_events
    cross join bounds
    where cart_events.event_at <= bounds.as_of
    group by 1

),

abandoned_carts as (

    select
        carts.user_id,
        count(*) as abandoned_carts_in_window

    from carts
    cross join bounds
    where carts.is_checked_out = 0
        and carts.last_added_at <= bounds.abandon_before_at
        and carts.last_added_at > bounds.window_start_at
    group by 1

),

final as (

    select

        ----------  ids
        users.user_id,

        ---------- measures
        {{ cinestream.cents_to_dollars('coalesce(revenue.lifetime_revenue_cents, 0)') }} as lifetime_revenue,
        coalesce(views_in_window.views_in_window, 0) as views_in_window,
        coalesce(revenue.purchases_in_window, 0) as purchases_in_window,
        coalesce(abandoned_carts.abandoned_carts_in_window, 0) as abandoned_carts_in_window,

        ---------- timestamps
        bounds.as_of,
        users.registered_at,
        last_activity.last_activity_at

    from users
    cross join bounds
    left join last_activity on last_activity.user_id = users.user_id
    left join revenue on revenue.user_id = users.user_id
    left join views_in_window on views_in_window.user_id = users.user_id
    left join abandoned_carts on abandoned_carts.user_id = users.user_id

)

select * from final
