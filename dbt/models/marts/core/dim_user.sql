-- One row per registered user, from their consumer_registration event (the first one, should a
-- producer bug ever register a user twice under different event ids).

with

consumer_events as (

    select * from {{ ref('stg_cinestream__consumer_events') }}

),

registrations as (

    select
        *,
        row_number() over (partition by user_id order by event_at, event_id) as registration_seq,
        count(*) over (partition by user_id) as registration_events

    from consumer_events
    where event_name = 'consumer_registration'

),

final as (

    select

        ----------  ids
        user_id,
        event_id as registration_event_id,

        ---------- demographics
        age,
        {{ cinestream.age_band('age') }} as age_band,
        preferred_language,
        case preferred_language
            when 'eng' then 'English'
            when 'geo' then 'Georgian'
            else preferred_language
        end as language_name,
        masked_email,
        split_part(masked_email, '@', 2) as email_domain,

        ---------- numerics
        registration_events,

        ---------- dates and timestamps
        event_at as registered_at,
        {{ cinestream.utc_date('event_at') }} as registration_date

    from registrations
    where registration_seq = 1

)

select * from final
