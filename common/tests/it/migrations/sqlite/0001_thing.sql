create table thing (
    thing_id blob primary key,
    name text not null,
    used_at text,
    created_at text not null,
    constraint thing_name_key unique (name)
);
