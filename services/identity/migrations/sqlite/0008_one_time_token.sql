-- Every one-time token of identity in one table: staff and customer invitations and
-- password resets, issued, checked and consumed by one piece of code (credentials).
create table one_time_token (
    -- SHA-256 of the mailed token.
    token_hash blob primary key,
    org_id blob not null references organization (organization_id),
    -- whose account it opens: a staff member or a customer
    holder text not null,
    holder_id blob not null,
    purpose text not null,
    expires_at text not null,
    used_at text,
    created_at text not null,
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

-- SQLite cannot drop a column under a unique constraint: the table is built again
-- without token_hash.
create table customer_invitation_new (
    invitation_id blob primary key,
    org_id blob not null references organization (organization_id),
    customer_id blob not null references customer (customer_id),
    status text not null,
    expires_at text not null,
    invited_by blob,
    accepted_at text,
    created_at text not null,
    updated_at text not null,
    constraint customer_invitation_status_check check (status in ('pending', 'accepted', 'cancelled'))
);

insert into customer_invitation_new
select invitation_id, org_id, customer_id, status, expires_at, invited_by, accepted_at,
    created_at, updated_at
from customer_invitation;

drop table customer_invitation;
alter table customer_invitation_new rename to customer_invitation;
create index customer_invitation_org_idx on customer_invitation (org_id, status, created_at);
