-- Sessions per docs/metrics.md#sessions: a session opens on sign_in and closes on that user's next
-- sign_out; a sign_in while a session is open is ignored; a session with no sign_out within
-- session_timeout_minutes of its sign_in times out (a later sign_out is then an orphan).
-- Which sign_in opens a session depends on where the previous session closed: int_session_candidates
-- computes, per sign_in, its session and the next opening in linear time; here the openings are
-- collected.

with

candidate_sessions as (

    select * from {{ ref('int_session_candidates') }}

),

-- The sign_ins that open a session: every segment's first sign_in (see int_session_candidates),
-- then, inside a segment, the next opening after each session found so far. The recursion steps
-- only along chains of timeouts within one segment, so it is as deep as the longest such chain and
-- each step touches only the sessions of the step before.
opening_sign_ins as (

    with recursive chain (user_id, sign_in_seq, next_in_segment_seq) as (

        select user_id, sign_in_seq, next_in_segment_seq
        from candidate_sessions
        where is_segment_start

        union all

        select candidate_sessions.user_id, candidate_sessions.sign_in_seq, candidate_sessions.next_in_segment_seq
        from chain
        inner join candidate_sessions
            on candidate_sessions.user_id = chain.user_id
            and candidate_sessions.sign_in_seq = chain.next_in_segment_seq
        -- a pointer inside a segment never lands on its start: only the rest can be reached
        where not candidate_sessions.is_segment_start

    )

    select user_id, sign_in_seq from chain

),

final as (

    select

        ----------  ids
        candidate_sessions.sign_in_event_id as session_id,
        candidate_sessions.user_id,

        ---------- properties
        case
            when candidate_sessions.is_closed_by_sign_out then 'sign_out'
            when candidate_sessions.timeout_at > candidate_sessions.latest_event_at then 'open'
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

)

select * from final
