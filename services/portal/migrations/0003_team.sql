-- A project's team: staff members with their role on it, in the order staff chose.
create table project_team (
    project_id uuid not null references project (project_id) on delete cascade,
    org_id uuid not null,
    staff_id uuid not null,
    role_title text not null default '',
    position integer not null,
    primary key (project_id, staff_id)
);
