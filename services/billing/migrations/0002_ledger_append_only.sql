-- The ledger is append-only: the database itself refuses to change or delete an entry.
create function ledger_entry_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'ledger entries are append-only';
end
$$;

create trigger ledger_entry_append_only before update or delete on ledger_entry
    for each row execute function ledger_entry_append_only();
