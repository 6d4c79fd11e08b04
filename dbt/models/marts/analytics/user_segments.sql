-- One row per registered user: segment flags and a primary segment. The rules and their
-- thresholds live in one macro, macros/segment_rules.sql (thresholds are project vars).

with

segment_inputs as (

    select * from {{ ref('int_user_segment_inputs') }}

),

final as (

    select

        ----------  ids
        user_id,

        ---------- segments
        {{ cinestream.segment_rules() }},

        ---------- the measures behind them
        lifetime_revenue,
        views_in_window,
        purchases_in_window,
        abandoned_carts_in_window,

        ---------- timestamps
        registered_at,
        last_activity_at,
        as_of

    from segment_inputs

)

select * from final
