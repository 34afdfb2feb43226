-- The recipient's address folded to lower case in Rust (any script), which an erase by
-- email matches. Filled for existing rows by the notifier at start.
alter table email add column recipient_folded text;
