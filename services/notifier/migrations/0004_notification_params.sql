-- The parameters of a notice, so each reader sees it worded in their own language.
alter table notification add column params text not null default '{}';
