-- Customer accounts, their invitations and sessions. A customer's `epoch` is part of every
-- session: bumping it (deactivation, password reset or change, forced re-login, erase)
-- ends all of them on the next request.
create table customer (
    customer_id uuid primary key,
    org_id uuid not null references organization (organization_id),
    email text not null,
    email_normalized text not null,
    name text not null default '',
    company text not null default '',
    phone text not null default '',
    address text not null default '',
    locale text not null default '',
    status text not null,
    password_hash text,
    epoch bigint not null default 0,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint customer_org_email_key unique (org_id, email_normalized),
    constraint customer_status_check check (status in ('invited', 'active', 'deactivated', 'erased'))
);

create table customer_invitation (
    invitation_id uuid primary key,
    org_id uuid not null references organization (organization_id),
    customer_id uuid not null references customer (customer_id),
    -- SHA-256 of the emailed token; a resend replaces it.
    token_hash bytea not null,
    status text not null,
    expires_at timestamptz not null,
    invited_by uuid,
    accepted_at timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint customer_invitation_token_key unique (token_hash),
    constraint customer_invitation_status_check check (status in ('pending', 'accepted', 'cancelled'))
);

create index customer_invitation_org_idx on customer_invitation (org_id, status, created_at);

create table customer_session (
    customer_session_id uuid primary key,
    org_id uuid not null references organization (organization_id),
    customer_id uuid not null references customer (customer_id),
    -- SHA-256 of the cookie's opaque token.
    token_hash bytea not null,
    epoch bigint not null,
    ip text not null default '',
    user_agent text not null default '',
    last_seen_at timestamptz not null,
    expires_at timestamptz not null,
    ended_at timestamptz,
    created_at timestamptz not null,
    constraint customer_session_token_key unique (token_hash)
);

create index customer_session_customer_idx on customer_session (customer_id);

create table customer_reset_token (
    -- SHA-256 of the emailed token.
    token_hash bytea primary key,
    org_id uuid not null references organization (organization_id),
    customer_id uuid not null references customer (customer_id),
    expires_at timestamptz not null,
    used_at timestamptz,
    created_at timestamptz not null
);

create index customer_reset_token_customer_idx on customer_reset_token (customer_id);
