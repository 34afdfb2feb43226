-- Approvals (design/collaboration.md): deliverables staff put before a project's
-- customers, revision by revision, each revision with its own files (stored by the
-- documents service, owned by the approval) and every step kept in the history.
create table approval (
    approval_id uuid primary key,
    org_id uuid not null,
    project_id uuid not null references project (project_id) on delete cascade,
    title text not null,
    description text not null,
    status text not null,
    revision integer not null,
    due_on text,
    created_by uuid not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    decided_at timestamptz,
    constraint approval_status_check
        check (status in ('draft', 'pending', 'approved', 'changes_requested'))
);

create index approval_project on approval (org_id, project_id, created_at);
create index approval_org on approval (org_id, created_at);

create table approval_file (
    file_id uuid primary key,
    org_id uuid not null,
    approval_id uuid not null references approval (approval_id) on delete cascade,
    revision integer not null,
    name text not null,
    size bigint not null,
    content_type text not null,
    sha256 text not null,
    created_at timestamptz not null
);

create index approval_file_approval on approval_file (approval_id, created_at);

create table approval_event (
    event_id uuid primary key,
    org_id uuid not null,
    approval_id uuid not null references approval (approval_id) on delete cascade,
    at timestamptz not null,
    actor_kind text not null,
    actor_id uuid,
    action text not null,
    revision integer not null,
    comment text,
    constraint approval_event_actor_check check (actor_kind in ('staff', 'customer'))
);

create index approval_event_approval on approval_event (approval_id, at);
-- A revision is `viewed` once: the first customer read records it, any later one nothing.
create unique index approval_event_viewed on approval_event (approval_id, revision)
    where action = 'viewed';
