-- fct_sales, summed per movie and UTC sale day, must equal the reference oracle's daily rows in
-- movie_sales_metrics (engine = 'reference', window_type = 'daily') on every closed day present
-- in both. A day is closed once the cart-event stream has passed its end (the engines emit a
-- daily window only when their watermark passes it). Within a compared day, a movie missing on
-- either side is a difference too. Returns one row per difference.

with

sales as (

    select * from {{ ref('fct_sales') }}

),

cart_events as (

    select * from {{ ref('fct_cart_events') }}

),

sales_metrics as (

    select * from {{ ref('stg_metrics__movie_sales') }}

),

clock as (

    select max(event_at) as watermark_at from cart_events

),

dbt_daily as (

    select
        item_id,
        sale_date,
        sum(quantity) as units_sold,
        sum(price_cents) as total_sales_cents

    from sales
    group by 1, 2

),

reference_daily as (

    select
        item_id,
        window_start_date as sale_date,
        window_end,
        units_sold,
        total_sales

    from sales_metrics
    where engine = 'reference'
        and window_type = 'daily'

),

compared_days as (

    select distinct reference_daily.sale_date

    from reference_daily
    cross join clock
    inner join dbt_daily
        on dbt_daily.sale_date = reference_daily.sale_date
    where reference_daily.window_end <= clock.watermark_at

),

compared as (

    select
        coalesce(dbt_side.item_id, reference_side.item_id) as item_id,
        coalesce(dbt_side.sale_date, reference_side.sale_date) as sale_date,
        dbt_side.units_sold as dbt_units_sold,
        reference_side.units_sold as reference_units_sold,
        {{ cinestream.cents_to_dollars('dbt_side.total_sales_cents') }} as dbt_total_sales,
        reference_side.total_sales as reference_total_sales

    from (
        select * from dbt_daily
        where sale_date in (select sale_date from compared_days)
    ) as dbt_side
    full outer join (
        select * from reference_daily
        where sale_date in (select sale_date from compared_days)
    ) as reference_side
        on reference_side.item_id = dbt_side.item_id
        and reference_side.sale_date = dbt_side.sale_date

),

final as (

    select * from compared
    where dbt_units_sold is distinct from reference_units_sold
        or dbt_total_sales is distinct from reference_total_sales

)

select * from final
