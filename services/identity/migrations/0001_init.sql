-- Tenants, their staff, and staff sessions.
create table organization (
    organization_id uuid primary key,
    slug text not null,
    name text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint organization_slug_key unique (slug)
);

create table staff (
    staff_id uuid primary key,
    org_id uuid not null references organization (organization_id),
    email text not null,
    email_normalized text not null,
    name text not null,
    title text not null default '',
    phone text not null default '',
    role text not null,
    status text not null,
    password_hash text,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint staff_org_email_key unique (org_id, email_normalized),
    constraint staff_role_check check (role in ('owner', 'admin', 'editor', 'viewer', 'accountant')),
    constraint staff_status_check check (status in ('invited', 'active', 'deactivated'))
);

create table staff_session (
    staff_session_id uuid primary key,
    org_id uuid not null references organization (organization_id),
    staff_id uuid not null references staff (staff_id),
    ip text not null default '',
    user_agent text not null default '',
    last_seen_at timestamptz not null,
    expires_at timestamptz not null,
    ended_at timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

create index staff_session_staff_idx on staff_session (staff_id);
