-- Sending a published document by share link (design/links.md): when it was last sent,
-- and how often.
alter table document add column sent_at timestamptz;
alter table document add column sent_count bigint not null default 0;
