//! Bulk fixtures for the benchmarks: an organization's projects with their phases,
//! assignments and settings, written through the stores in one transaction each.

use atrium_common::db::Db;
use chrono::{Duration, Utc};
use uuid::Uuid;

use atrium_common::ids::{CustomerId, OrgId, PhaseId, ProjectId};

use crate::assignment;
use crate::project::{Phase, PhaseStatus, Project, ProjectKind, ProjectStatus, store};
use crate::settings::store as settings;

/// Writes `count` active projects of `org_id` (every fifth a gallery), each with
/// `phases` phases; answers their ids in creation order.
pub async fn projects(
    db: &Db,
    org_id: Uuid,
    count: usize,
    phases: usize,
) -> anyhow::Result<Vec<Uuid>> {
    let now = Utc::now();
    let mut tx = db.begin().await?;
    let mut ids = Vec::with_capacity(count);
    for i in 0..count {
        let project = Project {
            project_id: ProjectId(Uuid::now_v7()),
            org_id: OrgId(org_id),
            kind: if i % 5 == 4 {
                ProjectKind::Gallery
            } else {
                ProjectKind::Project
            },
            name: format!("Project {i}"),
            slug: format!("project-{i}"),
            description: "A seeded project with a description of ordinary length.".to_owned(),
            starts_on: Some("2026-01-01".to_owned()),
            ends_on: Some("2026-12-31".to_owned()),
            status: ProjectStatus::Active,
            cover_url: Some(format!("https://cdn.example.test/covers/{i}.jpg")),
            cover_item_id: None,
            guest_password_hash: None,
            guest_password_version: 0,
            created_at: now,
            updated_at: now,
            progress: 0,
        };
        store::insert_project(&mut tx, &project).await?;
        for position in 0..phases {
            let phase = Phase {
                phase_id: PhaseId(Uuid::now_v7()),
                project_id: project.project_id,
                name: format!("Phase {position}"),
                position: position as i32,
                status: PhaseStatus::InProgress,
                percent_complete: ((i + position * 37) % 101) as i32,
            };
            store::insert_phase(&mut tx, project.org_id, &phase, now).await?;
        }
        store::refresh_progress(&mut tx, project.org_id, project.project_id).await?;
        ids.push(project.project_id.0);
    }
    tx.commit().await?;
    Ok(ids)
}

/// Writes each `(customer_id, project_id)` assignment, one second apart in that order
/// (so a customer's newest is the last of theirs in the list).
pub async fn assign(db: &Db, org_id: Uuid, assignments: &[(Uuid, Uuid)]) -> anyhow::Result<()> {
    let start = Utc::now();
    let mut tx = db.begin().await?;
    for (i, (customer_id, project_id)) in assignments.iter().enumerate() {
        let at = start + Duration::seconds(i as i64);
        let (customer_id, project_id) = (CustomerId(*customer_id), ProjectId(*project_id));
        assignment::store::assign(&mut tx, OrgId(org_id), customer_id, project_id, at).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Turns the organization's `billing` feature off (its other settings stay the defaults).
pub async fn without_billing(db: &Db, org_id: Uuid) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    let now = Utc::now();
    let mut saved = settings::lock_settings(&mut tx, OrgId(org_id), now).await?;
    saved.features.billing = false;
    settings::save_settings(&mut tx, OrgId(org_id), &saved, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes `per_customer` support tickets for each of `customers` (numbered per org in
/// that order), each with a thread of `messages` messages (customer and staff in turn,
/// every tenth an internal note), the threads in multi-row statements; answers the first
/// customer's request ids, oldest first.
pub async fn requests(
    db: &Db,
    (org_id, staff_id): (Uuid, Uuid),
    customers: &[Uuid],
    (per_customer, messages): (usize, usize),
) -> anyhow::Result<Vec<Uuid>> {
    use crate::requests::store::{self as requests, RequestRow};
    use crate::requests::{Priority, RequestType, Status};
    let org = OrgId(org_id);
    let start = Utc::now() - Duration::days(30);
    let mut firsts = Vec::new();
    let mut thread = Vec::new();
    let mut tx = db.begin().await?;
    for (c, customer) in customers.iter().enumerate() {
        for i in 0..per_customer {
            let at = start + Duration::seconds((c * per_customer + i) as i64);
            let row = RequestRow {
                request_id: Uuid::now_v7(),
                org_id: org,
                number: requests::next_number(&mut tx, org).await?,
                customer_id: CustomerId(*customer),
                project_id: None,
                request_type: RequestType::Support,
                category: "bug".to_owned(),
                title: format!("Ticket {i} of customer {c}"),
                description: "A seeded ticket with a description of ordinary length.".to_owned(),
                priority: Priority::Normal,
                status: if i % 3 == 0 {
                    Status::Closed
                } else {
                    Status::Open
                },
                assignee_id: None,
                created_at: at,
                updated_at: at,
                first_response_at: None,
                closed_at: None,
            };
            requests::insert(&mut tx, &row).await?;
            if c == 0 {
                firsts.push(row.request_id);
            }
            for m in 0..messages {
                let staff = m % 2 == 1;
                thread.push((row.request_id, m, staff, at + Duration::seconds(m as i64)));
            }
            if thread.len() >= 1000 {
                write_thread(&mut tx, org, (*customer, staff_id), &thread).await?;
                thread.clear();
            }
        }
        write_thread(&mut tx, org, (*customer, staff_id), &thread).await?;
        thread.clear();
    }
    tx.commit().await?;
    Ok(firsts)
}

/// One multi-row insert of thread messages `(request, index, by staff, at)`.
async fn write_thread(
    tx: &mut atrium_common::db::Tx,
    org_id: OrgId,
    (customer_id, staff_id): (Uuid, Uuid),
    thread: &[(Uuid, usize, bool, chrono::DateTime<Utc>)],
) -> anyhow::Result<()> {
    if thread.is_empty() {
        return Ok(());
    }
    let mut text = String::from(
        "insert into request_message (message_id, org_id, request_id, author_kind, author_id, \
         body, internal, created_at) values ",
    );
    for i in 0..thread.len() {
        let b = i * 8;
        if i > 0 {
            text.push_str(", ");
        }
        text.push_str(&format!(
            "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5,
            b + 6,
            b + 7,
            b + 8
        ));
    }
    atrium_common::on_tx!(tx, |conn| {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(text));
        for (request_id, m, staff, at) in thread {
            let (kind, author) = if *staff {
                ("staff", staff_id)
            } else {
                ("customer", customer_id)
            };
            query = query
                .bind(Uuid::now_v7())
                .bind(org_id)
                .bind(*request_id)
                .bind(kind)
                .bind(author)
                .bind(format!(
                    "Message {m} of a seeded thread, of ordinary length for a reply."
                ))
                .bind(*staff && m % 10 == 9)
                .bind(*at);
        }
        query.execute(conn).await.map(|done| done.rows_affected())
    })?;
    Ok(())
}

/// A pending approval on `project_id` at revision `revisions`, each revision with two
/// files, and a history of `steps` steps (the revisions' steps, then comments); answers
/// its id.
pub async fn approval(
    db: &Db,
    (org_id, staff_id, customer_id): (Uuid, Uuid, Uuid),
    project_id: Uuid,
    (revisions, steps): (i32, usize),
) -> anyhow::Result<Uuid> {
    use crate::approvals::store::{self as approvals, ApprovalRow, EventRow, FileRow};
    use crate::approvals::{Action, Status};
    let org = OrgId(org_id);
    let now = Utc::now() - Duration::days(1);
    let row = ApprovalRow {
        approval_id: Uuid::now_v7(),
        org_id: org,
        project_id: ProjectId(project_id),
        title: "Seeded deliverable".to_owned(),
        description: "A seeded approval with a description of ordinary length.".to_owned(),
        status: Status::Pending,
        revision: revisions,
        due_on: Some("2027-01-15".to_owned()),
        created_by: staff_id,
        created_at: now,
        updated_at: now,
        decided_at: None,
    };
    let whose = (org, row.approval_id);
    let mut tx = db.begin().await?;
    approvals::insert(&mut tx, &row).await?;
    let mut written = 0;
    let mut event = |action, revision, by_staff: bool, comment: Option<String>| {
        written += 1;
        EventRow {
            event_id: Uuid::now_v7(),
            at: now + Duration::seconds(written),
            actor_kind: if by_staff { "staff" } else { "customer" }.to_owned(),
            actor_id: Some(if by_staff { staff_id } else { customer_id }),
            action,
            revision,
            comment,
        }
    };
    let mut history = vec![event(Action::Created, 1, true, None)];
    for revision in 1..=revisions {
        for f in 0..2 {
            let file = FileRow {
                file_id: Uuid::now_v7(),
                revision,
                name: format!("deliverable-r{revision}-{f}.pdf"),
                size: 250_000,
                content_type: "application/pdf".to_owned(),
                sha256: "0".repeat(64),
                created_at: now,
            };
            approvals::insert_file(&mut tx, whose, &file).await?;
            history.push(event(Action::FileAdded, revision, true, Some(file.name)));
        }
        let asked = if revision == 1 {
            Action::Submitted
        } else {
            Action::RevisionSubmitted
        };
        history.push(event(asked, revision, true, None));
        history.push(event(Action::Viewed, revision, false, None));
        if revision < revisions {
            let feedback = Some("Seeded feedback asking for changes.".to_owned());
            history.push(event(Action::ChangesRequested, revision, false, feedback));
        }
    }
    while history.len() < steps {
        let by_staff = history.len() % 2 == 0;
        let comment = Some(format!("Seeded comment {}.", history.len()));
        history.push(event(Action::Commented, revisions, by_staff, comment));
    }
    for step in &history {
        approvals::record(&mut tx, whose, step).await?;
    }
    tx.commit().await?;
    Ok(row.approval_id)
}
