-- One row per rating event (a user may rate an item more than once; every rating is kept).
{{
    config(
        materialized='incremental',
        unique_key='rating_id',
        on_schema_change='append_new_columns'
    )
}}

with

ratings as (

    select * from {{ ref('stg_cinestream__item_rating_events') }}
    where {{ cinestream.loaded_since_last_run('loaded_at') }}

),

final as (

    select

        ----------  ids
        event_id as rating_id,
        user_id,
        item_id,

        ---------- numerics
        rating,

        ---------- dates and timestamps
        rated_at,
        {{ cinestream.utc_date('rated_at') }} as rating_date,
        loaded_at

    from ratings

)

select * from final
