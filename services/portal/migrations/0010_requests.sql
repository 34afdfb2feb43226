-- Requests (design/collaboration.md): job requests and support tickets, numbered per
-- organization from 1, with a thread of messages of which the internal notes are staff's
-- only (every query that serves a customer filters them out).
create table request_counter (
    org_id uuid primary key,
    last_number bigint not null
);

create table customer_request (
    request_id uuid primary key,
    org_id uuid not null,
    number bigint not null,
    customer_id uuid not null,
    project_id uuid,
    request_type text not null,
    category text not null,
    title text not null,
    description text not null,
    priority text not null,
    status text not null,
    assignee_id uuid,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    first_response_at timestamptz,
    closed_at timestamptz,
    constraint customer_request_number_key unique (org_id, number),
    constraint customer_request_type_check check (request_type in ('job', 'support')),
    constraint customer_request_priority_check
        check (priority in ('low', 'normal', 'high', 'urgent')),
    constraint customer_request_status_check check (status in ('open', 'in_progress', 'closed'))
);

create index customer_request_customer on customer_request (org_id, customer_id, created_at);
create index customer_request_org on customer_request (org_id, created_at);

create table request_message (
    message_id uuid primary key,
    org_id uuid not null,
    request_id uuid not null references customer_request (request_id) on delete cascade,
    author_kind text not null,
    author_id uuid,
    body text not null,
    internal boolean not null,
    created_at timestamptz not null,
    constraint request_message_author_check check (author_kind in ('staff', 'customer')),
    constraint request_message_internal_check check (author_kind = 'staff' or not internal)
);

create index request_message_request on request_message (request_id, created_at);
