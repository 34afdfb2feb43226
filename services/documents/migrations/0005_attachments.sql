-- Files other services own (an approval's deliverables, …): who owns each, and the
-- file as stored (`<org_id>/<file_id>`).
create table attachment (
    file_id uuid primary key,
    org_id uuid not null,
    owner_kind text not null,
    owner_id text not null,
    file_name text not null,
    size bigint not null,
    content_type text not null,
    sha256 text not null,
    created_at timestamptz not null
);

create index attachment_owner_idx on attachment (org_id, owner_kind, owner_id);
