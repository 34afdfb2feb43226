-- The session cache's generation (DESIGN.md, Reliability: under faults). What Redis holds
-- about customer sessions is trusted only under the generation this one row names; it
-- moves at every start, after any Redis outage and whenever a revocation could not be
-- written to Redis, so nothing Redis loses or rolls back can revive a session.
create table session_cache_generation (
    session_cache_generation_id integer primary key
        constraint session_cache_generation_one_row check (session_cache_generation_id = 1),
    generation integer not null,
    created_at text not null,
    updated_at text not null
);
insert into session_cache_generation values (
    1, 0, strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')
);
