-- Project comments (design/collaboration.md): customers (can_add_comments) and staff
-- comment on a project, oldest first.
create table project_comment (
    comment_id uuid primary key,
    org_id uuid not null,
    project_id uuid not null,
    author_kind text not null,
    author_id uuid,
    body text not null,
    created_at timestamptz not null,
    constraint project_comment_author_check check (author_kind in ('staff', 'customer'))
);

create index project_comment_project on project_comment (org_id, project_id, created_at);
