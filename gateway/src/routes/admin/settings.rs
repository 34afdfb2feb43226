//! The organization's portal settings (`settings.manage`): features, branding, whether
//! customers see team members, the default locale and the customers' default
//! permissions.

use atrium_common::roles::Permission;
use atrium_proto::portal::v1 as pb;
use axum::routing::{get, patch};

use crate::api::settings::{Settings, SettingsPatch};
use crate::call;
use crate::extract::{Json, StaffCall};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/admin/settings", "The organization's portal settings", get(read))
            .staff(Permission::SettingsManage).answers::<Settings>(200),
        Route::patch("/api/admin/settings", "Change some settings (absent: unchanged; null clears a branding text)", patch(update))
            .staff(Permission::SettingsManage).body::<SettingsPatch>().answers::<Settings>(200),
    ]
}

pub(crate) async fn read(staff: StaffCall) -> Answer<Settings> {
    let response = call!(staff, settings.get_settings(pb::GetSettingsRequest {}));
    Ok(Json(response.settings.unwrap_or_default().try_into()?))
}

pub(crate) async fn update(staff: StaffCall, Json(body): Json<SettingsPatch>) -> Answer<Settings> {
    let request = pb::UpdateSettingsRequest {
        patch: body.0.to_string(),
    };
    let response = call!(staff, settings.update_settings(request));
    Ok(Json(response.settings.unwrap_or_default().try_into()?))
}
