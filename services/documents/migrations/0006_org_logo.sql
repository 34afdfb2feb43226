-- Each organization's logo (one file, `<org_id>/<file_id>`), for pages and PDFs.
create table org_logo (
    org_id uuid primary key,
    file_id uuid not null,
    file_name text not null,
    size bigint not null,
    content_type text not null,
    sha256 text not null,
    updated_at timestamptz not null
);
