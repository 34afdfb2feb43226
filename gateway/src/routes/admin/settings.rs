//! The organization's portal settings (`settings.manage`): features, branding, whether
//! customers see team members, the default locale and the customers' default
//! permissions.

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::portal::v1 as pb;
use axum::extract::State;
use axum::routing::{get, patch};

use crate::GatewayState;
use crate::api::settings::{Settings, SettingsPatch};
use crate::extract::{ActsFor, Json, StaffSession};
use crate::routes::Route;

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/admin/settings", "The organization's portal settings", get(read))
            .staff(Permission::SettingsManage).answers::<Settings>(200),
        Route::patch("/api/admin/settings", "Change some settings (absent: unchanged; null clears a branding text)", patch(update))
            .staff(Permission::SettingsManage).body::<SettingsPatch>().answers::<Settings>(200),
    ]
}

async fn read(
    State(state): State<GatewayState>,
    session: StaffSession,
) -> Result<axum::Json<Settings>, ApiError> {
    let mut client = state.clients.settings.clone();
    let response = client
        .get_settings(session.request(pb::GetSettingsRequest {}))
        .await?
        .into_inner();
    Ok(axum::Json(
        response.settings.unwrap_or_default().try_into()?,
    ))
}

async fn update(
    State(state): State<GatewayState>,
    session: StaffSession,
    Json(body): Json<SettingsPatch>,
) -> Result<axum::Json<Settings>, ApiError> {
    let request = session.request(pb::UpdateSettingsRequest {
        patch: body.0.to_string(),
    });
    let mut client = state.clients.settings.clone();
    let response = client.update_settings(request).await?.into_inner();
    Ok(axum::Json(
        response.settings.unwrap_or_default().try_into()?,
    ))
}
