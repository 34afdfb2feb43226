-- The organization's portal settings (absent row: the defaults), per-customer permission
-- overrides (null: the organization's default), guest gallery sessions and the outbox.
create table org_settings (
    org_id uuid primary key,
    feature_customer_portal boolean not null,
    feature_approvals boolean not null,
    feature_requests boolean not null,
    feature_documents boolean not null,
    feature_billing boolean not null,
    feature_gallery boolean not null,
    company_name text,
    logo_url text,
    primary_color text,
    show_logo boolean not null,
    show_name boolean not null,
    sender_name text,
    show_team_members boolean not null,
    default_locale text not null,
    can_view_invoices boolean not null,
    can_approve_work boolean not null,
    can_add_comments boolean not null,
    can_submit_requests boolean not null,
    updated_at timestamptz not null
);

create table customer_permission (
    customer_id uuid primary key,
    org_id uuid not null,
    can_view_invoices boolean,
    can_approve_work boolean,
    can_add_comments boolean,
    can_submit_requests boolean,
    updated_at timestamptz not null
);

-- A guest's access to one gallery, opened with its password: the token (SHA-256 only)
-- lives in a cookie scoped to that gallery and dies with a password change (version).
create table guest_session (
    token_hash bytea primary key,
    org_id uuid not null,
    project_id uuid not null references project (project_id) on delete cascade,
    password_version integer not null,
    created_at timestamptz not null,
    expires_at timestamptz not null
);

create index guest_session_project_idx on guest_session (project_id, expires_at);

-- The sending side of the transactional outbox (atrium_common::outbox): the assignment
-- digest mails, in-app notifications and audit entries, written with the change.
create table outbox (
    message_id uuid primary key,
    topic text not null,
    idempotency_key text not null,
    payload bytea not null,
    -- pending, or dead once the receiver refused it for good
    status text not null,
    attempts integer not null default 0,
    last_error text not null default '',
    next_attempt_at timestamptz not null,
    claimed_until timestamptz,
    created_at timestamptz not null,
    constraint outbox_topic_key unique (topic, idempotency_key),
    constraint outbox_status_check check (status in ('pending', 'dead'))
);

create index outbox_due_idx on outbox (status, next_attempt_at);
