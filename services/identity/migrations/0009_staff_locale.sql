-- A staff member's own language for the console and their mail; empty: the org's default.
alter table staff add column locale text not null default '';
