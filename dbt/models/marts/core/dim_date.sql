-- One row per calendar day between vars date_spine_start and date_spine_end (UTC days).

with

spine as (

    {{ cinestream.date_spine(var('date_spine_start'), var('date_spine_end')) }}

),

with_parts as (

    select
        date_day,
        cast(extract(year from date_day) as integer) as calendar_year,
        cast(extract(quarter from date_day) as integer) as calendar_quarter,
        cast(extract(month from date_day) as integer) as calendar_month,
        cast(extract(day from date_day) as integer) as day_of_month,
        {{ cinestream.iso_day_of_week('date_day') }} as iso_day_of_week

    from spine

),

final as (

    select

        ----------  ids
        date_day,

        ---------- calendar parts
        calendar_year,
        calendar_quarter,
        calendar_month,
        day_of_month,
        iso_day_of_week,
        case iso_day_of_week
            when 1 then 'Monday'
            when 2 then 'Tuesday'
            when 3 then 'Wednesday'
            when 4 then 'Thursday'
            when 5 then 'Friday'
            when 6 then 'Saturday'
            else 'Sunday'
        end as day_name,
        iso_day_of_week >= 6 as is_weekend,

        ---------- period starts
        cast({{ dbt.dateadd('day', '1 - iso_day_of_week', 'date_day') }} as date) as iso_week_start,
        cast({{ dbt.dateadd('day', '1 - day_of_month', 'date_day') }} as date) as month_start

    from with_parts

)

select * from final
