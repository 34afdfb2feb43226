-- A customer's account manager: one of the organization's staff, shown on the
-- customer's dashboard while the organization shows team members.
alter table customer add column account_manager_id uuid;
