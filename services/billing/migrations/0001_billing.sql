-- Billing: the seller's details, gap-free number counters, invoices with their lines,
-- and the append-only customer ledger with each customer's balance kept beside it.

create table billing_settings (
    org_id uuid primary key,
    legal_name text not null default '',
    address text not null default '',
    vat_id text not null default '',
    payment_instructions text not null default '',
    payment_terms_days integer not null default 30,
    updated_at timestamptz not null
);

-- One row per organization, series (INV, Q, CN, SO) and year: the last number taken,
-- locked by the transaction that takes the next one.
create table number_counter (
    org_id uuid not null,
    series text not null,
    year integer not null,
    last_value bigint not null,
    primary key (org_id, series, year)
);

create table invoice (
    invoice_id uuid primary key,
    org_id uuid not null,
    customer_id uuid not null,
    project_id uuid,
    number text,
    status text not null,
    currency text not null,
    issue_date date,
    due_date date,
    payment_terms_days integer not null,
    notes text not null default '',
    subtotal bigint not null,
    tax_total bigint not null,
    total bigint not null,
    amount_credited bigint not null default 0,
    amount_paid bigint not null default 0,
    -- The customer's billing details: as they were when the draft was made, taken again
    -- when it is issued, and never rewritten after.
    customer_name text not null,
    customer_email text not null,
    customer_company text not null,
    customer_address text not null,
    customer_locale text not null,
    void_reason text,
    -- the number and the customer's details, folded, for `q`
    search text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint invoice_status_check
        check (status in ('draft', 'issued', 'partially_paid', 'paid', 'void')),
    constraint invoice_amounts_check
        check (amount_credited >= 0 and amount_paid >= 0 and amount_credited + amount_paid <= total),
    constraint invoice_number_check check ((number is null) = (status = 'draft'))
);

create unique index invoice_number_idx on invoice (org_id, number);
create index invoice_org_idx on invoice (org_id, created_at);
create index invoice_customer_idx on invoice (org_id, customer_id, created_at);

create table invoice_line (
    invoice_id uuid not null references invoice (invoice_id) on delete cascade,
    position integer not null,
    description text not null,
    -- decimals in their shortest form ("1.5", "19")
    quantity text not null,
    unit_price_minor bigint not null,
    tax_rate text not null,
    discount_percent text not null,
    net bigint not null,
    primary key (invoice_id, position)
);

-- Append-only: nothing updates or deletes an entry (0002's triggers refuse it).
create table ledger_entry (
    entry_id uuid primary key,
    org_id uuid not null,
    customer_id uuid not null,
    currency text not null,
    -- 1, 2, 3… per customer and currency: the ledger's order
    seq bigint not null,
    at timestamptz not null,
    entry_type text not null,
    debit bigint not null,
    credit bigint not null,
    balance_after bigint not null,
    reference_kind text not null,
    reference_id uuid not null,
    reference_number text,
    constraint ledger_entry_type_check
        check (entry_type in ('invoice', 'payment', 'credit_note', 'refund', 'adjustment')),
    constraint ledger_entry_amount_check
        check (debit >= 0 and credit >= 0 and (debit > 0) <> (credit > 0)),
    constraint ledger_entry_seq_key unique (org_id, customer_id, currency, seq)
);

-- Σcredit, Σdebit and their difference per customer and currency, kept in the
-- transaction that appends an entry: reading a balance costs one row at any length.
create table customer_balance (
    org_id uuid not null,
    customer_id uuid not null,
    currency text not null,
    credits bigint not null,
    debits bigint not null,
    balance_due bigint not null,
    entries bigint not null,
    primary key (org_id, customer_id, currency)
);
