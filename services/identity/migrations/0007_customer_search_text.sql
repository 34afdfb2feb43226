-- What a staff search of customers matches: the email, name and company folded to
-- lower case in Rust (any script; SQLite's lower() folds ASCII only). Filled for
-- existing rows by identity at start, kept by every write of those columns.
alter table customer add column search_text text;
