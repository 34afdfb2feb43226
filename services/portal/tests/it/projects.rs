//! Projects and phases over gRPC: what each role may do, what another organization sees,
//! and bad input answered before anything is written.

use atrium_common::auth::Principal;
use atrium_common::roles::Role;
use atrium_proto::portal::v1 as pb;
use tonic::Code;

use crate::support::{TestPortal, colleague, refusal, staff};

fn kitchen() -> pb::CreateProjectRequest {
    pb::CreateProjectRequest {
        name: "Kitchen Remodel".into(),
        kind: "project".into(),
        ..Default::default()
    }
}

fn project_request(id: &str) -> pb::ProjectRequest {
    pb::ProjectRequest {
        project_id: id.to_owned(),
    }
}

/// A new "Kitchen Remodel" project made by `by`.
async fn create(portal: &TestPortal, by: &Principal) -> pb::Project {
    let made = portal
        .projects()
        .create_project(by.request(kitchen()))
        .await;
    made.unwrap().into_inner().project.unwrap()
}

/// Project `id` as `by` reads it.
async fn read_back(portal: &TestPortal, by: &Principal, id: &str) -> pb::Project {
    let read = portal
        .projects()
        .get_project(by.request(project_request(id)))
        .await;
    read.unwrap().into_inner().project.unwrap()
}

#[tokio::test]
async fn a_project_is_created_with_its_phases_and_read_back_with_their_progress() {
    let portal = TestPortal::start().await;
    let admin = staff(Role::Admin);
    let mut projects = portal.projects();

    let created = create(&portal, &admin).await;
    for (position, percent) in [(2, 61), (1, 40)] {
        projects
            .add_phase(admin.request(pb::AddPhaseRequest {
                project_id: created.id.clone(),
                name: format!("Phase {position}"),
                position,
                percent_complete: percent,
                ..Default::default()
            }))
            .await
            .unwrap();
    }
    let read = read_back(&portal, &admin, &created.id).await;
    let twin = create(&portal, &admin).await;

    assert_eq!(created.slug, "kitchen-remodel");
    assert_eq!(
        (created.status.as_str(), created.kind.as_str()),
        ("active", "project")
    );
    let phases: Vec<(&str, &str)> = read
        .phases
        .iter()
        .map(|p| (p.name.as_str(), p.status.as_str()))
        .collect();
    assert_eq!(phases, [("Phase 1", "pending"), ("Phase 2", "pending")]);
    assert_eq!(read.progress, 51);
    assert_eq!(
        twin.slug, "kitchen-remodel-2",
        "a derived slug takes the next free one"
    );
}

#[tokio::test]
async fn a_viewer_reads_projects_but_is_refused_every_change_by_the_service_itself() {
    let portal = TestPortal::start().await;
    let admin = staff(Role::Admin);
    let viewer = colleague(&admin, Role::Viewer);
    let mut projects = portal.projects();
    let created = create(&portal, &admin).await;

    let listed = projects
        .list_projects(viewer.request(pb::ListProjectsRequest::default()))
        .await;
    let create = projects.create_project(viewer.request(kitchen())).await;
    let delete = projects
        .delete_project(viewer.request(project_request(&created.id)))
        .await;
    let still_there = projects
        .get_project(admin.request(project_request(&created.id)))
        .await;

    assert_eq!(listed.unwrap().into_inner().items.len(), 1);
    for refused in [create.unwrap_err(), delete.unwrap_err()] {
        assert_eq!(refused.code(), Code::PermissionDenied);
        assert_eq!(
            refusal(&refused),
            (
                "PERMISSION_DENIED".to_owned(),
                Some("projects.manage".to_owned())
            )
        );
    }
    assert!(still_there.is_ok(), "nothing was deleted");
}

#[tokio::test]
async fn another_organizations_project_is_not_found_and_stays_as_it_was() {
    let portal = TestPortal::start().await;
    let owner = staff(Role::Owner);
    let stranger = staff(Role::Owner);
    let mut projects = portal.projects();
    let created = create(&portal, &owner).await;

    let read = projects
        .get_project(stranger.request(project_request(&created.id)))
        .await;
    let renamed = projects
        .update_project(stranger.request(pb::UpdateProjectRequest {
            project_id: created.id.clone(),
            name: Some("Taken over".into()),
            ..Default::default()
        }))
        .await;
    let phase = projects
        .add_phase(stranger.request(pb::AddPhaseRequest {
            project_id: created.id.clone(),
            name: "Intruder".into(),
            ..Default::default()
        }))
        .await;
    let deleted = projects
        .delete_project(stranger.request(project_request(&created.id)))
        .await;
    let listed = projects
        .list_projects(stranger.request(pb::ListProjectsRequest::default()))
        .await
        .unwrap()
        .into_inner();
    let mine = read_back(&portal, &owner, &created.id).await;

    for answer in [read.err(), renamed.err(), phase.err(), deleted.err()] {
        assert_eq!(answer.map(|s| s.code()), Some(Code::NotFound));
    }
    assert!(listed.items.is_empty());
    assert_eq!(mine.name, "Kitchen Remodel");
    assert!(mine.phases.is_empty());
}

#[tokio::test]
async fn bad_input_is_refused_naming_its_field_and_writes_nothing() {
    let portal = TestPortal::start().await;
    let admin = staff(Role::Admin);
    let mut projects = portal.projects();
    let cases = [
        (
            "name",
            pb::CreateProjectRequest {
                name: " ".into(),
                ..kitchen()
            },
        ),
        (
            "kind",
            pb::CreateProjectRequest {
                kind: "album".into(),
                ..kitchen()
            },
        ),
        (
            "status",
            pb::CreateProjectRequest {
                status: "paused".into(),
                ..kitchen()
            },
        ),
        (
            "starts_on",
            pb::CreateProjectRequest {
                starts_on: "2026-02-30".into(),
                ..kitchen()
            },
        ),
        (
            "cover_url",
            pb::CreateProjectRequest {
                cover_url: "http://cdn.test/a.jpg".into(),
                ..kitchen()
            },
        ),
        (
            "guest_password",
            pb::CreateProjectRequest {
                guest_password: "long enough password".into(),
                ..kitchen()
            },
        ),
    ];
    for (field, request) in cases {
        let refused = projects
            .create_project(admin.request(request))
            .await
            .unwrap_err();
        let answer = atrium_common::error::ApiError::from_status(&refused);
        assert_eq!(refused.code(), Code::InvalidArgument, "{field}");
        assert!(
            answer.fields.contains_key(field),
            "{field}: {:?}",
            answer.fields
        );
    }
    let filter = projects
        .list_projects(admin.request(pb::ListProjectsRequest {
            status: "paused".into(),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    let not_an_id = projects
        .get_project(admin.request(project_request("not-a-uuid")))
        .await
        .unwrap_err();
    let listed = projects
        .list_projects(admin.request(pb::ListProjectsRequest::default()))
        .await
        .unwrap()
        .into_inner();

    assert_eq!(filter.code(), Code::InvalidArgument);
    assert_eq!(not_an_id.code(), Code::NotFound);
    assert!(listed.items.is_empty(), "no refused project was written");
}
