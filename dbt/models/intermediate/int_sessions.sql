-- Sessions per DESIGN section 5: a session opens on sign_in and closes on that user's next
-- sign_out; a sign_in while a session is open is ignored; a session with no sign_out within
-- session_timeout_minutes of its sign_in times out (a later sign_out is then an orphan).
-- Which sign_in opens a session depends on where the previous session closed, so the chain of
-- opening sign_ins is followed with a recursive CTE, one step per session.

with

consumer_events as (

    select * from {{ ref('stg_cinestream__consumer_events') }}

),

sign_events as (

    select
        event_id,
        event_name,
        user_id,
        event_at

    from consumer_events
    where event_name in ('sign_in', 'sign_out')

),

-- The first sign_out after each event of the user (a sign_in row contributes null to its own frame).
with_next_sign_out as (

    select
        *,
        min(case when event_name = 'sign_out' then event_at end) over (
            partition by user_id
            order by event_at, event_id
            rows between current row and unbounded following
        ) as next_sign_out_at

    from sign_events

),

sign_ins as (

    select
        user_id,
        event_id as sign_in_event_id,
        event_at as signed_in_at,
        next_sign_out_at,
        {{ dbt.dateadd('minute', var('session_timeout_minutes'), 'event_at') }} as timeout_at,
        row_number() over (partition by user_id order by event_at, event_id) as sign_in_seq

    from with_next_sign_out
    where event_name = 'sign_in'

),

-- What each sign_in's session would be if that sign_in opened one.
candidate_sessions as (

    select
        *,
        coalesce(next_sign_out_at <= timeout_at, false) as is_closed_by_sign_out,
        case
            when next_sign_out_at <= timeout_at then next_sign_out_at
            else timeout_at
        end as closed_at

    from sign_ins

),

-- The sign_in that opens the user's next session: the first one at or after this one's close.
next_openings as (

    select
        candidate_sessions.user_id,
        candidate_sessions.sign_in_seq,
        min(later_sign_ins.sign_in_seq) as next_sign_in_seq

    from candidate_sessions
    inner join sign_ins as later_sign_ins
        on later_sign_ins.user_id = candidate_sessions.user_id
        and later_sign_ins.sign_in_seq > candidate_sessions.sign_in_seq
        and later_sign_ins.signed_in_at >= candidate_sessions.closed_at
    group by 1, 2

),

opening_sign_ins as (

    with recursive chain (user_id, sign_in_seq) as (

        select user_id, sign_in_seq
        from sign_ins
        where sign_in_seq = 1

        union all

        select next_openings.user_id, next_openings.next_sign_in_seq
        from chain
        inner join next_openings
            on next_openings.user_id = chain.user_id
            and next_openings.sign_in_seq = chain.sign_in_seq

    )

    select * from chain

),

-- The latest consumer event time: a session whose timeout lies beyond it may still be closed by
-- a sign_out that has not arrived yet.
data_clock as (

    select max(event_at) as latest_event_at from consumer_events

),

final as (

    select

        ----------  ids
        candidate_sessions.sign_in_event_id as session_id,
        candidate_sessions.user_id,

        ---------- properties
        case
            when candidate_sessions.is_closed_by_sign_out then 'sign_out'
            when candidate_sessions.timeout_at > data_clock.latest_event_at then 'open'
            else 'timeout'
        end as end_reason,

        ---------- numerics
        case
            when candidate_sessions.is_closed_by_sign_out
                then {{ dbt.datediff('candidate_sessions.signed_in_at', 'candidate_sessions.closed_at', 'second') }}
        end as duration_s,

        ---------- timestamps
        candidate_sessions.signed_in_at,
        case
            when candidate_sessions.is_closed_by_sign_out then candidate_sessions.closed_at
        end as signed_out_at,
        candidate_sessions.closed_at,
        {{ cinestream.utc_date('candidate_sessions.signed_in_at') }} as session_date

    from opening_sign_ins
    inner join candidate_sessions
        on candidate_sessions.user_id = opening_sign_ins.user_id
        and candidate_sessions.sign_in_seq = opening_sign_ins.sign_in_seq
    cross join data_clock

)

select * from final
