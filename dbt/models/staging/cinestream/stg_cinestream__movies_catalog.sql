-- The product catalogue: renamed and typed, one row per item_id; prices kept in integer cents.

with

source as (

    select * from {{ source('cinestream', 'movies_catalog') }}

),

final as (

    select

        ----------  ids
        item_id,

        ---------- text
        title,
        product_group,
        binding,
        genre,
        audience_rating,
        cast(currency as {{ dbt.type_string() }}) as currency,

        ---------- numerics
        cast(running_time_min as integer) as running_time_min,
        cast(list_price_cents as bigint) as list_price_cents,
        cast(trade_in_value_cents as bigint) as trade_in_value_cents,
        cast(source_records as integer) as source_records,

        ---------- booleans
        list_price_cents is not null as is_priced,

        ---------- dates and timestamps
        release_date,
        updated_at

    from source

)

select * from final
