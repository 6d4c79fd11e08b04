-- Per user and UTC day with any activity: sessions started, item views, cart adds, purchases
-- (checkouts that were sales), units and revenue. Incremental: each run recomputes the last
-- activity_lookback_days days (late events within that reach are folded in; the daily full
-- build repairs anything older).
{{
    config(
        materialized='incremental',
        unique_key=['user_id', 'activity_date'],
        on_schema_change='append_new_columns'
    )
}}

{%- set since -%}
    {%- if is_incremental() -%}
        >= (select {{ dbt.dateadd('day', -1 * var('activity_lookback_days'), 'max(activity_date)') }} from {{ this }})
    {%- endif -%}
{%- endset %}

with

sessions as (

    select * from {{ ref('int_sessions') }}
    {% if since %}where session_date {{ since }}{% endif %}

),

item_views as (

    select * from {{ ref('fct_item_views') }}
    {% if since %}where view_date {{ since }}{% endif %}

),

cart_events as (

    select * from {{ ref('fct_cart_events') }}
    {% if since %}where event_date {{ since }}{% endif %}

),

sales as (

    select * from {{ ref('fct_sales') }}
    {% if since %}where sale_date {{ since }}{% endif %}

),

ratings as (

    select * from {{ ref('fct_ratings') }}
    {% if since %}where rating_date {{ since }}{% endif %}

),

daily_sessions as (

    select
        user_id,
        session_date as activity_date,
        count(*) as sessions,
        sum(duration_s) as completed_session_seconds

    from sessions
    group by 1, 2

),

daily_views as (

    select
        user_id,
        view_date as activity_date,
        count(*) as item_views,
        count(distinct item_id) as distinct_items_viewed

    from item_views
    group by 1, 2

),

daily_adds as (

    select
        user_id,
        event_date as activity_date,
        count(*) as cart_adds

    from cart_events
    where is_add
    group by 1, 2

),

daily_sales as (

    select
        user_id,
        sale_date as activity_date,
        count(distinct checkout_event_id) as purchases,
        sum(quantity) as units_purchased,
        sum(price_cents) as revenue_cents

    from sales
    group by 1, 2

),

daily_ratings as (

    select
        user_id,
        rating_date as activity_date,
        count(*) as ratings

    from ratings
    group by 1, 2

),

user_days as (

    select user_id, activity_date from daily_sessions
    union
    select user_id, activity_date from daily_views
    union
    select user_id, activity_date from daily_adds
    union
    select user_id, activity_date from daily_sales
    union
    select user_id, activity_date from daily_ratings

),

final as (

    select

        ----------  ids
        user_days.user_id,
        user_days.activity_date,

        ---------- counts
        coalesce(daily_sessions.sessions, 0) as sessions,
        coalesce(daily_views.item_views, 0) as item_views,
        coalesce(daily_views.distinct_items_viewed, 0) as distinct_items_viewed,
        coalesce(daily_adds.cart_adds, 0) as cart_adds,
        coalesce(daily_sales.purchases, 0) as purchases,
        coalesce(daily_sales.units_purchased, 0) as units_purchased,
        coalesce(daily_ratings.ratings, 0) as ratings,

        ---------- money
        coalesce(daily_sales.revenue_cents, 0) as revenue_cents,
        {{ cinestream.cents_to_dollars('coalesce(daily_sales.revenue_cents, 0)') }} as revenue,

        ---------- durations
        coalesce(daily_sessions.completed_session_seconds, 0) as completed_session_seconds

    from user_days
    left join daily_sessions
        on daily_sessions.user_id = user_days.user_id
        and daily_sessions.activity_date = user_days.activity_date
    left join daily_views
        on daily_views.user_id = user_days.user_id
        and daily_views.activity_date = user_days.activity_date
    left join daily_adds
        on daily_adds.user_id = user_days.user_id
        and daily_adds.activity_date = user_days.activity_date
    left join daily_sales
        on daily_sales.user_id = user_days.user_id
        and daily_sales.activity_date = user_days.activity_date
    left join daily_ratings
        on daily_ratings.user_id = user_days.user_id
        and daily_ratings.activity_date = user_days.activity_date

)

select * from final
