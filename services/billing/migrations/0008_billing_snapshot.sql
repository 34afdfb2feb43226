-- The version of each customer's billing snapshot for the portal's dashboard: bumped
-- first in every transaction that changes the customer's invoices, quotes or ledger, so
-- two such transactions take turns and the later reads what the earlier wrote.
create table billing_snapshot_version (
    org_id uuid not null,
    customer_id uuid not null,
    version bigint not null,
    primary key (org_id, customer_id)
);
