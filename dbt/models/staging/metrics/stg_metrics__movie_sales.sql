-- Movie sales metric rows of every engine: renamed and typed, with the UTC window dates.

with

source as (

    select * from {{ source('metrics', 'movie_sales_metrics') }}

),

final as (

    select

        ----------  ids
        engine,
        window_type,
        movie_id as item_id,

        ---------- numerics
        cast(total_sales as numeric(18, 2)) as total_sales,
        cast(units_sold as bigint) as units_sold,

        ---------- timestamps
        window_start,
        window_end,
        {{ cinestream.utc_date('window_start') }} as window_start_date,
        emitted_at

    from source

)

select * from final
