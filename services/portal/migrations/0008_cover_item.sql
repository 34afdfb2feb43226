-- The project's cover photo: one of its gallery items (the documents service holds
-- them), shown to customers through their thumb route. Cleared when the item is
-- deleted or made internal (the documents outbox tells the portal).
alter table project add column cover_item_id text;
