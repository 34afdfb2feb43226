-- Single-document share links (design/links.md): each bound to the organization, the
-- customer and the subject, its token kept only as its SHA-256.
create table share_link (
    link_id uuid primary key,
    org_id uuid not null,
    customer_id uuid not null,
    -- invoice, quote, credit_note, order, statement or document.
    subject_kind text not null,
    -- A statement's subject is the customer (its period and currency in subject_extra).
    subject_id uuid not null,
    subject_extra text not null default '',
    token_hash bytea not null,
    created_by uuid,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    ended_at timestamptz,
    revoked_at timestamptz,
    first_viewed_at timestamptz,
    last_viewed_at timestamptz,
    views bigint not null default 0,
    downloads bigint not null default 0,
    constraint share_link_token_key unique (token_hash)
);

create index share_link_subject on share_link (org_id, subject_kind, subject_id, created_at);
create index share_link_customer on share_link (org_id, customer_id, created_at);
