-- Every one-time token of identity in one table: staff and customer invitations and
-- password resets, issued, checked and consumed by one piece of code (credentials).
create table one_time_token (
    -- SHA-256 of the mailed token.
    token_hash bytea primary key,
    org_id uuid not null references organization (organization_id),
    -- whose account it opens: a staff member or a customer
    holder text not null,
    holder_id uuid not null,
    purpose text not null,
    expires_at timestamptz not null,
    used_at timestamptz,
    created_at timestamptz not null,
    constraint one_time_token_holder_check check (holder in ('staff', 'customer')),
    constraint one_time_token_purpose_check check (purpose in ('invitation', 'reset'))
);

create index one_time_token_holder_idx on one_time_token (holder_id, purpose);

insert into one_time_token
select token_hash, org_id, 'staff', staff_id, purpose, expires_at, used_at, created_at
from staff_token;

insert into one_time_token
select token_hash, org_id, 'customer', customer_id, 'reset', expires_at, used_at, created_at
from customer_reset_token;

-- An invitation that is no longer pending has had its token used or cancelled.
insert into one_time_token
select token_hash, org_id, 'customer', customer_id, 'invitation', expires_at,
    case when status = 'pending' then null else coalesce(accepted_at, updated_at) end,
    created_at
from customer_invitation;

drop table staff_token;
drop table customer_reset_token;
alter table customer_invitation drop column token_hash;
