-- The sending side of the transactional outbox (atrium_common::outbox): audit entries,
-- mails and in-app notices of issued invoices, written with the change they tell of.
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
