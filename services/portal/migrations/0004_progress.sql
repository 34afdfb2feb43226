-- A project's progress is kept beside it: every phase write recomputes it in the same
-- transaction, so listing a customer's projects reads no phases.
alter table project add column progress integer not null default 0;

update project set progress = coalesce((
    select cast(round(avg(ph.percent_complete)) as integer)
    from project_phase ph
    where ph.project_id = project.project_id
), 0);
