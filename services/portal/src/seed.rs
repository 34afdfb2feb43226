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
