-- The session cache's generation (DESIGN.md, Reliability: under faults). What Redis holds
-- about customer sessions is trusted only under the generation this one row names; it
-- moves at every start, after any Redis outage and whenever a revocation could not be
-- written to Redis, so nothing Redis loses or rolls back can revive a session.
create table session_cache_generation (
    session_cache_generation_id smallint primary key
        constraint session_cache_generation_one_row check (session_cache_generation_id = 1),
    generation bigint not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
insert into session_cache_generation values (1, 0, now(), now());
