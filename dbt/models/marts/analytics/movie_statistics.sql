-- One row per catalogue product: views, units sold, sales, ratings and view-to-purchase conversion.

with

items as (

    select * from {{ ref('dim_item') }}

),

item_views as (

    select * from {{ ref('fct_item_views') }}

),

sales as (

    select * from {{ ref('fct_sales') }}

),

ratings as (

    select * from {{ ref('fct_ratings') }}

),

view_totals as (

    select
        item_id,
        count(*) as total_views,
        count(distinct user_id) as unique_viewers

    from item_views
    group by 1

),

sales_totals as (

    select
        item_id,
        sum(quantity) as units_sold,
        sum(price_cents) as total_sales_cents,
        count(distinct user_id) as unique_buyers,
        min(sold_at) as first_sold_at,
        max(sold_at) as last_sold_at

    from sales
    group by 1

),

-- Buyers who also viewed the product: the numerator of view-to-purchase conversion.
converted_viewers as (

    select
        viewers.item_id,
        count(*) as viewers_who_bought

    from (select distinct item_id, user_id from item_views) as viewers
    inner join (select distinct item_id, user_id from sales) as buyers
        on buyers.item_id = viewers.item_id
        and buyers.user_id = viewers.user_id
    group by 1

),

rating_totals as (

    select
        item_id,
        count(*) as rating_count,
        avg(cast(rating as numeric(10, 4))) as average_rating

    from ratings
    group by 1

),

final as (

    select

        ----------  ids
        items.item_id,

        ---------- descriptive
        items.title,
        items.product_group,
        items.genre,
        items.list_price,

        ---------- views
        coalesce(view_totals.total_views, 0) as total_views,
        coalesce(view_totals.unique_viewers, 0) as unique_viewers,

        ---------- sales
        coalesce(sales_totals.units_sold, 0) as units_sold,
        coalesce(sales_totals.unique_buyers, 0) as unique_buyers,
        coalesce(sales_totals.total_sales_cents, 0) as total_sales_cents,
        {{ cinestream.cents_to_dollars('coalesce(sales_totals.total_sales_cents, 0)') }} as total_sales,

        ---------- ratings
        coalesce(rating_totals.rating_count, 0) as rating_count,
        cast(rating_totals.average_rating as numeric(3, 2)) as average_rating,

        ---------- conversion: share of the product's viewers who bought it (null without views)
        coalesce(converted_viewers.viewers_who_bought, 0) as viewers_who_bought,
        case
            when coalesce(view_totals.unique_viewers, 0) > 0
                then cast(
                    1.0 * coalesce(converted_viewers.viewers_who_bought, 0) / view_totals.unique_viewers
                    as numeric(5, 4)
                )
        end as view_to_purchase_conversion,

        ---------- timestamps
        sales_totals.first_sold_at,
        sales_totals.last_sold_at

    from items
    left join view_totals on view_totals.item_id = items.item_id
    left join sales_totals on sales_totals.item_id = items.item_id
    left join converted_viewers on converted_viewers.item_id = items.item_id
    left join rating_totals on rating_totals.item_id = items.item_id

)

select * from final
