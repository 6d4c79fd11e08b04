-- One row per item view (event grain). Incremental: appends views loaded since the last run.
{{
    config(
        materialized='incremental',
        unique_key='view_id',
        on_schema_change='append_new_columns'
    )
}}

with

item_views as (

    select * from {{ ref('stg_cinestream__item_view_events') }}
    where {{ cinestream.loaded_since_last_run('loaded_at') }}

),

final as (

    select

        ----------  ids
        event_id as view_id,
        user_id,
        item_id,

        ---------- dates and timestamps
        viewed_at,
        {{ cinestream.utc_date('viewed_at') }} as view_date,
        loaded_at

    from item_views

)

select * from final
