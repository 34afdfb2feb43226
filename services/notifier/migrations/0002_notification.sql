-- In-app notifications, per recipient (customer or staff) and organization.
create table notification (
    notification_id uuid primary key,
    org_id uuid not null,
    recipient_kind text not null,
    recipient_id uuid not null,
    kind text not null,
    title text not null,
    body text not null,
    link text not null,
    -- Set by relayed creates; the same key twice in an org is one notification.
    idempotency_key text,
    read_at timestamptz,
    created_at timestamptz not null,
    constraint notification_org_idempotency_key unique (org_id, idempotency_key),
    constraint notification_recipient_kind_check check (recipient_kind in ('customer', 'staff'))
);

create index notification_recipient_idx on notification (org_id, recipient_kind, recipient_id, created_at);
