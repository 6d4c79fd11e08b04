-- Undecodable records: renamed and typed (already unique on the Kafka coordinates).

with

source as (

    select * from {{ source('cinestream', 'dead_letter_events') }}

),

final as (

    select

        ----------  ids
        {{ cinestream.surrogate_key(['kafka_topic', 'kafka_partition', 'kafka_offset']) }} as dead_letter_id,
        kafka_topic,
        cast(kafka_partition as integer) as kafka_partition,
        cast(kafka_offset as bigint) as kafka_offset,
        kafka_key,

        ---------- payload and reason
        raw_value_base64,
        error as error_message,

        ---------- timestamps
        seen_at

    from source

)

select * from final
