-- Quotes with the customer's decision kept on the row (recorded by the statement that
-- checks the quote is still open), and sales orders; both with lines like an invoice's.

create table quote (
    quote_id uuid primary key,
    org_id uuid not null,
    customer_id uuid not null,
    number text,
    status text not null,
    currency text not null,
    valid_until date not null,
    notes text not null,
    terms text not null,
    subtotal bigint not null,
    tax_total bigint not null,
    total bigint not null,
    customer_name text not null,
    customer_email text not null,
    customer_company text not null,
    customer_address text not null,
    customer_locale text not null,
    issued_at timestamptz,
    sent_at timestamptz,
    sent_count integer not null default 0,
    -- the decision: who, when, from where, on which channel, over what content
    decision_name text,
    decision_comment text,
    decided_at timestamptz,
    decision_ip text,
    decision_user_agent text,
    decision_channel text,
    decision_link_id uuid,
    decision_content_sha256 text,
    decided_by uuid,
    -- what an accepted quote became
    converted_kind text,
    converted_id uuid,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint quote_status_check check (status in ('draft', 'sent', 'accepted', 'declined')),
    constraint quote_number_check check ((number is null) = (status = 'draft')),
    constraint quote_converted_check check (converted_kind is null or converted_kind in ('invoice', 'order'))
);

create unique index quote_number_idx on quote (org_id, number);
create index quote_org_idx on quote (org_id, created_at);
create index quote_customer_idx on quote (org_id, customer_id, created_at);

create table quote_line (
    quote_id uuid not null references quote (quote_id) on delete cascade,
    position integer not null,
    description text not null,
    quantity text not null,
    unit_price_minor bigint not null,
    tax_rate text not null,
    discount_percent text not null,
    net bigint not null,
    primary key (quote_id, position)
);

create table sales_order (
    order_id uuid primary key,
    org_id uuid not null,
    customer_id uuid not null,
    number text not null,
    status text not null,
    currency text not null,
    notes text not null,
    subtotal bigint not null,
    tax_total bigint not null,
    total bigint not null,
    customer_name text not null,
    customer_email text not null,
    customer_company text not null,
    customer_address text not null,
    customer_locale text not null,
    quote_id uuid,
    -- the draft invoice made from it
    invoice_id uuid,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint sales_order_status_check check (status in ('open', 'fulfilled', 'cancelled'))
);

create unique index sales_order_number_idx on sales_order (org_id, number);
create index sales_order_org_idx on sales_order (org_id, created_at);
create index sales_order_customer_idx on sales_order (org_id, customer_id, created_at);

create table order_line (
    order_id uuid not null references sales_order (order_id) on delete cascade,
    position integer not null,
    description text not null,
    quantity text not null,
    unit_price_minor bigint not null,
    tax_rate text not null,
    discount_percent text not null,
    net bigint not null,
    primary key (order_id, position)
);
