-- Customers without portal access (design/links.md, DESIGN's core routes): billed, sent
-- links and assignable, but never mailed an invitation until staff invite them.
alter table customer drop constraint customer_status_check;
alter table customer add constraint customer_status_check
    check (status in ('no_account', 'invited', 'active', 'deactivated', 'erased'));
