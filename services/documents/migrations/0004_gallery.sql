-- Gallery items: a project's photos with their visibility and place, the original as
-- uploaded and the two renditions made from it (each an object `<org_id>/<file_id>`).
create table gallery_item (
    item_id uuid primary key,
    org_id uuid not null,
    project_id uuid not null,
    caption text not null default '',
    visibility text not null,
    position integer not null,
    width integer not null,
    height integer not null,
    content_type text not null,
    file_name text not null,
    size bigint not null,
    sha256 text not null,
    file_id uuid not null,
    thumb_file_id uuid not null,
    thumb_size bigint not null,
    thumb_sha256 text not null,
    preview_file_id uuid not null,
    preview_size bigint not null,
    preview_sha256 text not null,
    taken_at timestamptz,
    created_at timestamptz not null,
    constraint gallery_item_visibility_check
        check (visibility in ('internal', 'client', 'public'))
);

create index gallery_item_project_idx on gallery_item (org_id, project_id, position);
create unique index gallery_item_file_idx on gallery_item (file_id);
