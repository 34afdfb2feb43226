-- The folded text a staff search matches (title, description and file name), kept by
-- every statement that changes one of them.
alter table document add column search_text text not null default '';
