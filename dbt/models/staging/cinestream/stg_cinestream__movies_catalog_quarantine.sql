-- Quarantined catalogue records: renamed (already unique on record_hash).

with

source as (

    select * from {{ source('cinestream', 'movies_catalog_quarantine') }}

),

final as (

    select

        ----------  ids
        record_hash,
        item_label,

        ---------- reason and payload
        source_file,
        reason,
        raw_record,

        ---------- timestamps
        quarantined_at

    from source

)

select * from final
