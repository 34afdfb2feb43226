-- A customer's assignments newest first, as the dashboard and the project list read
-- them: an ordered scan of this index, no sort of every assignment on each request.
create index assignment_customer_recent_idx
    on assignment (customer_id, org_id, assigned_at desc, project_id desc);
