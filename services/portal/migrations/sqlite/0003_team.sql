-- A project's team: staff members with their role on it, in the order staff chose.
create table project_team (
    project_id blob not null references project (project_id) on delete cascade,
    org_id blob not null,
    staff_id blob not null,
    role_title text not null default '',
    position integer not null,
    primary key (project_id, staff_id)
);
