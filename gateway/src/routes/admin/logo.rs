//! The organization's logo (`settings.manage`): uploaded here, stored by the documents
//! service, served to anyone at `/api/public/orgs/{org}/logo`; the branding's
//! `logo_url` then points at it (with its digest, so a new logo is a new URL).

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::documents::v1 as documents;
use atrium_proto::portal::v1 as pb;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, put};
use http::{HeaderMap, Method};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::GatewayState;
use crate::api::settings::Settings;
use crate::call;
use crate::extract::{ActsFor, Json, StaffCall, Upload};
use crate::routes::files::{self, Disposition};
use crate::routes::public::org_id;
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::put("/api/admin/settings/logo", "Upload the organization's logo (multipart file: PNG, JPEG or WebP, at most 1 MiB); the branding's logo_url points at it", put(upload))
            .staff(Permission::SettingsManage).upload::<NewLogo>().answers::<Settings>(200),
        Route::get("/api/public/orgs/{org}/logo", "The organization's logo, for anyone ({org}: its slug or id)", get(serve))
            .file().errors(&["CONFLICT"]),
    ]
}

/// A logo's upload: only its `file` part.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct NewLogo {}

pub(crate) async fn upload(staff: StaffCall, upload: Upload<NewLogo>) -> Answer<Settings> {
    Ok(Json(store(&staff, upload).await?))
}

fn chunk(bytes: Vec<u8>) -> documents::UploadLogoRequest {
    documents::UploadLogoRequest {
        part: Some(documents::upload_logo_request::Part::Chunk(bytes)),
    }
}

/// Stores the uploaded logo and points the branding's `logo_url` at it.
pub(crate) async fn store<T>(staff: &StaffCall, upload: Upload<T>) -> Result<Settings, ApiError> {
    let header = documents::UploadLogoRequest {
        part: Some(documents::upload_logo_request::Part::FileName(
            upload.file_name.clone(),
        )),
    };
    let (messages, failed) = upload.into_messages(header, chunk);
    let request = staff.session.request(messages);
    let mut client = staff.state.clients.logos.clone();
    let stored = tokio::select! {
        answer = client.set_logo(request) => answer?.into_inner(),
        err = failed.error() => return Err(err),
    };
    let url = format!(
        "{}/api/public/orgs/{}/logo?v={}",
        staff.state.settings.public_url.trim_end_matches('/'),
        staff.principal.org_id,
        stored.sha256.get(..12).unwrap_or_default(),
    );
    let patch = serde_json::json!({ "branding": { "logo_url": url } });
    let request = pb::UpdateSettingsRequest {
        patch: patch.to_string(),
    };
    let response = call!(staff, settings.update_settings(request));
    response.settings.unwrap_or_default().try_into()
}

pub(crate) async fn serve(
    State(state): State<GatewayState>,
    Path(org): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let asked = documents::LogoRequest {
        org_id: org_id(&state, org).await?,
        range: None,
    };
    let client = state.clients.logos.clone();
    let file = client.clone().get_logo(asked.clone()).await?.into_inner();
    files::answer(&method, &headers, (file, Disposition::Inline), |range| {
        let request = documents::LogoRequest { range, ..asked };
        let mut client = client.clone();
        async move { Ok(client.download_logo(request).await?.into_inner()) }
    })
    .await
}
