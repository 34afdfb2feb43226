-- What the dashboard shows of each customer's billing, kept here by billing through its
-- outbox (a JSON document: open invoices' due dates, sent quotes' valid_until and the
-- balances), so the dashboard reads it beside the settings and asks no other service.
create table billing_snapshot (
    org_id uuid not null,
    customer_id uuid not null,
    -- Grows with every change in billing; an older snapshot never replaces a newer.
    version bigint not null,
    document text not null,
    primary key (org_id, customer_id)
);
