-- Staff invitation and reset tokens, and the audit trail.
create table staff_token (
    -- SHA-256 of the emailed token.
    token_hash bytea primary key,
    org_id uuid not null references organization (organization_id),
    staff_id uuid not null references staff (staff_id),
    purpose text not null,
    expires_at timestamptz not null,
    used_at timestamptz,
    created_at timestamptz not null,
    constraint staff_token_purpose_check check (purpose in ('invitation', 'reset'))
);

create index staff_token_staff_idx on staff_token (staff_id, purpose);

-- Every sign-in, failed sign-in and state change, as DESIGN.md's audit entry. Actor and
-- subject ids are text: a failed sign-in of an unknown account names the typed email's
-- hash. Entries other services relay keep the id they were given, so a repeat is one row.
create table audit_entry (
    audit_id uuid primary key,
    org_id uuid not null,
    at timestamptz not null,
    actor_kind text not null,
    actor_id text not null,
    action text not null,
    subject_kind text not null,
    subject_id text not null,
    ip text not null default ''
);

create index audit_entry_org_at_idx on audit_entry (org_id, at, audit_id);
create index audit_entry_actor_idx on audit_entry (org_id, actor_id, at);
