-- Projects and galleries (one entity, `kind`), their phases, and who sees them.
create table project (
    project_id uuid primary key,
    org_id uuid not null,
    kind text not null,
    name text not null,
    slug text not null,
    description text not null default '',
    -- YYYY-MM-DD or null
    starts_on text,
    ends_on text,
    status text not null,
    cover_url text,
    -- argon2id PHC string; a change bumps the version, which ends guest access
    guest_password_hash text,
    guest_password_version integer not null default 0,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint project_org_slug_key unique (org_id, slug),
    constraint project_kind_check check (kind in ('project', 'gallery')),
    constraint project_status_check check (status in ('active', 'completed', 'archived'))
);

create index project_org_created_idx on project (org_id, created_at, project_id);

create table project_phase (
    phase_id uuid primary key,
    project_id uuid not null references project (project_id) on delete cascade,
    name text not null,
    position integer not null,
    status text not null,
    percent_complete integer not null,
    created_at timestamptz not null,
    constraint project_phase_status_check check (status in ('pending', 'in_progress', 'done')),
    constraint project_phase_percent_check check (percent_complete between 0 and 100)
);

create index project_phase_project_idx on project_phase (project_id, position);

-- A customer sees a project while this row exists; every customer read checks it.
create table assignment (
    org_id uuid not null,
    customer_id uuid not null,
    project_id uuid not null references project (project_id) on delete cascade,
    assigned_at timestamptz not null,
    primary key (customer_id, project_id)
);

create index assignment_project_idx on assignment (project_id);

-- A project once assigned and then taken away: its reads answer 403
-- CUSTOMER_ASSIGNMENT_REVOKED instead of 404 until it is assigned again.
create table revoked_assignment (
    org_id uuid not null,
    customer_id uuid not null,
    project_id uuid not null references project (project_id) on delete cascade,
    revoked_at timestamptz not null,
    primary key (customer_id, project_id)
);

-- One row per customer whose assignments changed: a reconcile of a customer's list
-- writes it first, so two reconciles of one customer take turns.
create table customer_lock (
    customer_id uuid primary key,
    org_id uuid not null,
    touched_at timestamptz not null
);
