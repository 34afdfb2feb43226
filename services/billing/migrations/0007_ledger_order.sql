-- A customer's ledger reads newest first: this index walks it in that order, so the
-- first page costs the same at 10 entries and at 100,000 (without it, every entry of the
-- customer was sorted on each read).
create index ledger_entry_customer_at_idx on ledger_entry (org_id, customer_id, at desc, entry_id desc);
