-- Sending by share link (design/links.md): when each invoice, credit note and order was
-- last sent, and how often (quotes have had both since 0006).
alter table invoice add column sent_at timestamptz;
alter table invoice add column sent_count bigint not null default 0;
alter table credit_note add column sent_at timestamptz;
alter table credit_note add column sent_count bigint not null default 0;
alter table sales_order add column sent_at timestamptz;
alter table sales_order add column sent_count bigint not null default 0;
