//! The organization's settings over gRPC: a patch merges over what is stored, a wrong
//! type is refused naming its path, and each organization has its own.

use atrium_common::roles::Role;
use atrium_proto::portal::v1 as pb;
use tonic::Code;

use crate::support::{TestPortal, colleague, staff};

fn document(response: pb::SettingsResponse) -> serde_json::Value {
    serde_json::from_str(&response.settings.unwrap().document).unwrap()
}

fn patch(json: serde_json::Value) -> pb::UpdateSettingsRequest {
    pb::UpdateSettingsRequest {
        patch: json.to_string(),
    }
}

#[tokio::test]
async fn a_patch_merges_over_the_stored_settings_of_its_own_organization() {
    let portal = TestPortal::start().await;
    let owner = staff(Role::Owner);
    let other = staff(Role::Owner);
    let viewer = colleague(&owner, Role::Viewer);
    let mut settings = portal.settings();

    settings
        .update_settings(owner.request(patch(serde_json::json!({
            "branding": {"company_name": "Acme Builders"},
        }))))
        .await
        .unwrap();
    let merged = settings
        .update_settings(owner.request(patch(serde_json::json!({
            "features": {"gallery": false},
        }))))
        .await
        .unwrap()
        .into_inner();
    let wrong_type = settings
        .update_settings(owner.request(patch(serde_json::json!({
            "features": {"gallery": "no"},
        }))))
        .await
        .unwrap_err();
    let by_viewer = settings
        .update_settings(viewer.request(patch(serde_json::json!({
            "features": {"gallery": true},
        }))))
        .await
        .unwrap_err();
    let read = settings
        .get_settings(owner.request(pb::GetSettingsRequest::default()))
        .await
        .unwrap()
        .into_inner();
    let theirs = settings
        .get_settings(other.request(pb::GetSettingsRequest::default()))
        .await
        .unwrap()
        .into_inner();

    let merged = document(merged);
    assert_eq!(merged["branding"]["company_name"], "Acme Builders", "kept");
    assert_eq!(merged["features"]["gallery"], false, "set");
    assert_eq!(wrong_type.code(), Code::InvalidArgument);
    let answer = atrium_common::error::ApiError::from_status(&wrong_type);
    assert!(
        answer.fields.contains_key("features.gallery"),
        "{:?}",
        answer.fields
    );
    assert_eq!(by_viewer.code(), Code::PermissionDenied);
    assert_eq!(document(read), merged, "refused patches changed nothing");
    let theirs = document(theirs);
    assert_eq!(
        theirs["features"]["gallery"], true,
        "another organization keeps its own"
    );
    assert!(theirs["branding"]["company_name"].is_null());
}
