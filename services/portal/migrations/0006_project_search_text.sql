-- What a staff search of projects matches: the name, slug and description folded to
-- lower case in Rust (any script; SQLite's lower() folds ASCII only). Filled for
-- existing rows by the portal at start, kept by every write of those columns.
alter table project add column search_text text;
