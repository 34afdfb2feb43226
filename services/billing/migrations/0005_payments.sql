-- Credit notes, payments with their allocations to invoices, and refunds: each books one
-- ledger entry in the transaction that records it. An invoice's amount_credited and
-- amount_paid are the sums of its credit notes and allocations, changed by the same
-- conditional statement that checks they still fit.

create table credit_note (
    credit_note_id uuid primary key,
    org_id uuid not null,
    invoice_id uuid not null references invoice (invoice_id),
    customer_id uuid not null,
    number text not null,
    currency text not null,
    issue_date date not null,
    reason text not null,
    subtotal bigint not null,
    tax_total bigint not null,
    total bigint not null,
    -- the invoice's snapshot of the customer
    customer_name text not null,
    customer_email text not null,
    customer_company text not null,
    customer_address text not null,
    customer_locale text not null,
    created_by uuid not null,
    created_at timestamptz not null,
    constraint credit_note_total_check check (total > 0)
);

create unique index credit_note_number_idx on credit_note (org_id, number);
create index credit_note_invoice_idx on credit_note (org_id, invoice_id);
create index credit_note_customer_idx on credit_note (org_id, customer_id, created_at);

create table credit_note_line (
    credit_note_id uuid not null references credit_note (credit_note_id),
    position integer not null,
    description text not null,
    quantity text not null,
    unit_price_minor bigint not null,
    tax_rate text not null,
    discount_percent text not null,
    net bigint not null,
    primary key (credit_note_id, position)
);

create table payment (
    payment_id uuid primary key,
    org_id uuid not null,
    customer_id uuid not null,
    customer_name text not null,
    customer_email text not null,
    customer_company text not null,
    currency text not null,
    amount bigint not null,
    -- what is allocated to invoices and what was refunded of it; the rest is credit
    allocated bigint not null,
    refunded bigint not null,
    received_on date not null,
    method text not null,
    reference text not null,
    created_by uuid not null,
    created_at timestamptz not null,
    constraint payment_amounts_check
        check (amount > 0 and allocated >= 0 and refunded >= 0 and allocated + refunded <= amount),
    constraint payment_method_check check (method in ('bank_transfer', 'card', 'cash', 'other'))
);

create index payment_org_idx on payment (org_id, created_at);
create index payment_customer_idx on payment (org_id, customer_id, created_at);

create table payment_allocation (
    allocation_id uuid primary key,
    payment_id uuid not null references payment (payment_id),
    invoice_id uuid not null references invoice (invoice_id),
    amount bigint not null,
    created_at timestamptz not null,
    constraint payment_allocation_amount_check check (amount > 0)
);

create index payment_allocation_payment_idx on payment_allocation (payment_id);
create index payment_allocation_invoice_idx on payment_allocation (invoice_id);

create table refund (
    refund_id uuid primary key,
    org_id uuid not null,
    customer_id uuid not null,
    customer_name text not null,
    customer_email text not null,
    customer_company text not null,
    currency text not null,
    amount bigint not null,
    payment_id uuid references payment (payment_id),
    reason text not null,
    created_by uuid not null,
    created_at timestamptz not null,
    constraint refund_amount_check check (amount > 0)
);

create index refund_customer_idx on refund (org_id, customer_id, created_at);
create index refund_org_idx on refund (org_id, created_at);
