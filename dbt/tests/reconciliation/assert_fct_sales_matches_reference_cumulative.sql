-- The reference oracle's cumulative rows (per movie, per closed day D on which it sold: the
-- running total from the first event to the end of D) must equal fct_sales summed up to the end
-- of D, for every such row on a closed day on which fct_sales has sales. Returns one row per
-- difference.

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

reference_cumulative as (

    select
        sales_metrics.item_id,
        sales_metrics.window_start_date as sale_date,
        sales_metrics.units_sold,
        sales_metrics.total_sales

    from sales_metrics
    cross join clock
    where sales_metrics.engine = 'reference'
        and sales_metrics.window_type = 'cumulative'
        and sales_metrics.window_end <= clock.watermark_at
        and sales_metrics.window_start_date in (select sale_date from sales)

),

dbt_running as (

    select
        reference_cumulative.item_id,
        reference_cumulative.sale_date,
        sum(sales.quantity) as units_sold,
        sum(sales.price_cents) as total_sales_cents

    from reference_cumulative
    left join sales
        on sales.item_id = reference_cumulative.item_id
        and sales.sale_date <= reference_cumulative.sale_date
    group by 1, 2

),

final as (

    select
        reference_cumulative.item_id,
        reference_cumulative.sale_date,
        dbt_running.units_sold as dbt_units_sold,
        reference_cumulative.units_sold as reference_units_sold,
        {{ cinestream.cents_to_dollars('dbt_running.total_sales_cents') }} as dbt_total_sales,
        reference_cumulative.total_sales as reference_total_sales

    from reference_cumulative
    inner join dbt_running
        on dbt_running.item_id = reference_cumulative.item_id
        and dbt_running.sale_date = reference_cumulative.sale_date
    where dbt_running.units_sold is distinct from reference_cumulative.units_sold
        or {{ cinestream.cents_to_dollars('dbt_running.total_sales_cents') }}
            is distinct from reference_cumulative.total_sales

)

select * from final
