create table thing (
    thing_id uuid primary key,
    name text not null,
    used_at timestamptz,
    created_at timestamptz not null,
    constraint thing_name_key unique (name)
);
