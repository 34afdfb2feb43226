-- The email outbox and per-organization template overrides.
create table email (
    email_id uuid primary key,
    org_id uuid not null,
    idempotency_key text not null,
    template_key text not null,
    locale text not null,
    recipient_email text not null,
    recipient_name text not null,
    -- The template's variables as JSON; deleted once the message is sent.
    variables text,
    org_name text not null,
    logo_url text not null,
    sender_name text not null,
    status text not null,
    attempts integer not null default 0,
    last_error text not null default '',
    next_attempt_at timestamptz not null,
    claimed_until timestamptz,
    sent_at timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint email_org_idempotency_key unique (org_id, idempotency_key),
    constraint email_status_check check (status in ('queued', 'held', 'sent', 'failed'))
);

create index email_due_idx on email (status, next_attempt_at);
create index email_org_created_idx on email (org_id, created_at);

create table email_template (
    org_id uuid not null,
    template_key text not null,
    locale text not null,
    subject text not null,
    text_body text not null,
    html_body text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint email_template_pkey primary key (org_id, template_key, locale)
);
