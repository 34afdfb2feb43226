-- no-transaction
-- Customers without portal access (design/links.md, DESIGN's core routes). SQLite cannot
-- change a check constraint: the table is built again, with foreign keys off so the
-- tables that reference it (invitations, sessions) keep their rows (SQLite's own
-- procedure for a schema change; the pragma is a no-op inside a transaction, so this
-- migration opens its own).
pragma foreign_keys = off;
begin;
create table customer_new (
    customer_id blob primary key,
    org_id blob not null references organization (organization_id),
    email text not null,
    email_normalized text not null,
    name text not null default '',
    company text not null default '',
    phone text not null default '',
    address text not null default '',
    locale text not null default '',
    status text not null,
    password_hash text,
    epoch integer not null default 0,
    created_at text not null,
    updated_at text not null,
    account_manager_id blob,
    search_text text,
    constraint customer_org_email_key unique (org_id, email_normalized),
    constraint customer_status_check
        check (status in ('no_account', 'invited', 'active', 'deactivated', 'erased'))
);
insert into customer_new (
    customer_id, org_id, email, email_normalized, name, company, phone, address, locale,
    status, password_hash, epoch, created_at, updated_at, account_manager_id, search_text
)
select customer_id, org_id, email, email_normalized, name, company, phone, address, locale,
    status, password_hash, epoch, created_at, updated_at, account_manager_id, search_text
from customer;
drop table customer;
alter table customer_new rename to customer;
commit;
pragma foreign_keys = on;
