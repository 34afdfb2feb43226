-- The ledger is append-only: the database itself refuses to change or delete an entry
-- (SQLite's triggers; PostgreSQL's is a function).
create trigger ledger_entry_no_update before update on ledger_entry
begin
    select raise(abort, 'ledger entries are append-only');
end;

create trigger ledger_entry_no_delete before delete on ledger_entry
begin
    select raise(abort, 'ledger entries are append-only');
end;
