-- One row per catalogue product, with its list price in cents and in dollars.

with

catalog as (

    select * from {{ ref('stg_cinestream__movies_catalog') }}

),

final as (

    select

        ----------  ids
        item_id,

        ---------- descriptive
        title,
        product_group,
        binding,
        genre,
        audience_rating,

        ---------- price
        list_price_cents,
        {{ cinestream.cents_to_dollars('list_price_cents') }} as list_price,
        currency,
        is_priced,

        ---------- numerics
        running_time_min,
        source_records,

        ---------- dates and timestamps
        release_date,
        updated_at

    from catalog

)

select * from final
