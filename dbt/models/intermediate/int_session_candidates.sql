-- One row per sign_in: the session it would open, and where the user's next session would start
-- if it did (the session rules of docs/metrics.md#sessions; int_sessions keeps the sign_ins that open one).
--
-- Everything here is a window over one user's ordered sign events, so the cost grows with the
-- number of events (a sort per user), never with sessions squared:
--   * next_sign_out_at: the first sign_out at or after the sign_in (a running min in reverse order);
--   * segment: the sign_ins between two consecutive sign_outs. The first sign_in of a segment always
--     opens a session: whatever session was open before it closed by that segment's sign_out at the
--     latest (is_segment_start);
--   * next_sign_in_seq: the first later sign_in at or after this candidate's close, found in one
--     ordered pass over the sign_ins merged with the close points. int_sessions follows it only
--     inside a segment (a timeout, or a sign_out at the same instant as a later sign_in); beyond the
--     segment it lands on the next segment's start, which opens anyway.
-- Materialized as a table: int_sessions' recursive step joins it once per step, and a table gives
-- the planner its real size.

{{ config(materialized='table') }}

with

consumer_events as (

    select * from {{ ref('stg_cinestream__consumer_events') }}

),

-- The data clock (the latest consumer event of any kind): a session whose timeout lies beyond it
-- may still be closed by a sign_out that has not arrived yet. Taken in the same scan as the events.
clocked_events as (

    select
        *,
        max(event_at) over () as latest_event_at

    from consumer_events

),

sign_events as (

    select
        event_id,
        event_name,
        user_id,
        event_at,
        latest_event_at

    from clocked_events
    where event_name in ('sign_in', 'sign_out')

),

ordered_sign_events as (

    select
        *,
        -- the first sign_out at or after this event: reverse order, running from the last event
        min(case when event_name = 'sign_out' then event_at end) over (
            partition by user_id
            order by event_at desc, event_id desc
            rows between unbounded preceding and current row
        ) as next_sign_out_at,
        -- sign_outs before this event: the segment number of a sign_in
        sum(case when event_name = 'sign_out' then 1 else 0 end) over (
            partition by user_id
            order by event_at, event_id
            rows between unbounded preceding and current row
        ) as segment_no

    from sign_events

),

sign_ins as (

    select
        user_id,
        event_id as sign_in_event_id,
        event_at as signed_in_at,
        next_sign_out_at,
        {{ dbt.dateadd('minute', var('session_timeout_minutes'), 'event_at') }} as timeout_at,
        segment_no,
        latest_event_at,
        row_number() over (partition by user_id order by event_at, event_id) as sign_in_seq

    from ordered_sign_events
    where event_name = 'sign_in'

),

-- What each sign_in's session would be if that sign_in opened one.
candidates as (

    select
        *,
        coalesce(next_sign_out_at <= timeout_at, false) as is_closed_by_sign_out,
        case
            when next_sign_out_at <= timeout_at then next_sign_out_at
            else timeout_at
        end as closed_at,
        min(sign_in_seq) over (partition by user_id, segment_no) as segment_first_seq,
        max(sign_in_seq) over (partition by user_id, segment_no) as segment_last_seq

    from sign_ins

),

-- The sign_ins and the candidates' close points in one order per user. A sign_in opens the next
-- session after a candidate when it is at or after the close and after the candidate itself:
-- a close point sorts before the sign_ins at its instant, except when the close equals the
-- candidate's own sign_in (a sign_out at the same instant), where it sorts after that sign_in.
points as (

    select
        user_id,
        signed_in_at as point_at,
        sign_in_seq as tie_seq,
        0 as point_kind,
        sign_in_seq,
        cast(null as bigint) as candidate_seq

    from candidates

    union all

    select
        user_id,
        closed_at as point_at,
        case when closed_at = signed_in_at then sign_in_seq else 0 end as tie_seq,
        1 as point_kind,
        cast(null as bigint) as sign_in_seq,
        sign_in_seq as candidate_seq

    from candidates

),

next_openings as (

    select
        user_id,
        candidate_seq,
        -- the first sign_in after the close point: reverse order, running from the last point
        min(sign_in_seq) over (
            partition by user_id
            order by point_at desc, tie_seq desc, point_kind desc
            rows between unbounded preceding and current row
        ) as next_sign_in_seq

    from points

),

final as (

    select

        ----------  ids
        candidates.sign_in_event_id,
        candidates.user_id,
        candidates.sign_in_seq,
        candidates.segment_no,

        ---------- properties
        candidates.sign_in_seq = candidates.segment_first_seq as is_segment_start,
        candidates.is_closed_by_sign_out,
        case
            when next_openings.next_sign_in_seq <= candidates.segment_last_seq
                then next_openings.next_sign_in_seq
        end as next_in_segment_seq,

        ---------- timestamps
        candidates.signed_in_at,
        candidates.timeout_at,
        candidates.closed_at,
        candidates.latest_event_at

    from candidates
    inner join next_openings
        on next_openings.user_id = candidates.user_id
        and next_openings.candidate_seq = candidates.sign_in_seq

)

select * from final
