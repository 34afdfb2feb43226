-- Idempotency keys of the routes that book money: the first answer is kept (as the id
-- of what was booked) with the SHA-256 of the request, for 24 hours at least.
create table idempotency_key (
    org_id uuid not null,
    idempotency_key text not null,
    operation text not null,
    request_sha256 text not null,
    booked_id uuid,
    created_at timestamptz not null,
    primary key (org_id, idempotency_key)
);

-- Manual corrections of a customer's ledger, with their reason and who made them.
create table ledger_adjustment (
    adjustment_id uuid primary key,
    org_id uuid not null,
    customer_id uuid not null,
    currency text not null,
    direction text not null,
    amount bigint not null,
    reason text not null,
    entry_id uuid not null,
    created_by uuid not null,
    created_at timestamptz not null,
    constraint ledger_adjustment_direction_check check (direction in ('debit', 'credit')),
    constraint ledger_adjustment_amount_check check (amount > 0)
);
