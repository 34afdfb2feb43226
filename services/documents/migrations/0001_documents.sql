-- Document types, project documents with their current file, each document's history
-- and who downloaded it. A file's object is `<org_id>/<file_id>` in the storage.
create table document_type (
    document_type_id uuid primary key,
    org_id uuid not null,
    name text not null,
    requires_approval boolean not null,
    created_at timestamptz not null,
    constraint document_type_org_name_key unique (org_id, name)
);

create table document (
    document_id uuid primary key,
    org_id uuid not null,
    project_id uuid not null,
    title text not null,
    description text not null default '',
    document_type_id uuid references document_type (document_type_id),
    status text not null,
    version integer not null,
    file_id uuid not null,
    file_name text not null,
    file_size bigint not null,
    content_type text not null,
    sha256 text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    published_at timestamptz,
    constraint document_status_check
        check (status in ('draft', 'pending', 'approved', 'published', 'rejected')),
    constraint document_version_check check (version >= 1)
);

create index document_project_idx on document (org_id, project_id, created_at, document_id);
create index document_published_idx on document (org_id, project_id, published_at, document_id);
create unique index document_file_idx on document (file_id);

create table document_history (
    document_id uuid not null references document (document_id) on delete cascade,
    seq integer not null,
    at timestamptz not null,
    action text not null,
    from_status text,
    to_status text not null,
    actor_kind text not null,
    actor_id uuid,
    actor_name text not null default '',
    reason text,
    version integer not null,
    primary key (document_id, seq)
);

create table document_download (
    download_id uuid primary key,
    org_id uuid not null,
    document_id uuid not null references document (document_id) on delete cascade,
    at timestamptz not null,
    customer_id uuid,
    link_id uuid,
    ip text not null
);

create index document_download_document_idx on document_download (document_id, at);
