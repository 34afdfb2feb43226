//! The organization's staff (`staff.manage`): invite a member, list them, change a
//! role or status, remove one. Admins cannot touch owners; the last active owner stays.

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::identity::v1 as pb;
use axum::extract::{Path, State};
use axum::routing::{delete, get, patch, post};
use http::StatusCode;

use crate::GatewayState;
use crate::api::people::{NewStaff, Staff, StaffChange};
use crate::api::{Page, PageQuery};
use crate::extract::{ActsFor, Json, Query, StaffSession, path_id};
use crate::routes::Route;

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let manage = Permission::StaffManage;
    vec![
        Route::post("/api/admin/staff", "Invite a staff member: the account (invited) and a 7-day link by email", post(invite))
            .staff(manage).body::<NewStaff>().answers::<Staff>(201)
            .errors(&["ALREADY_EXISTS", "INVITATION_PENDING"]),
        Route::get("/api/admin/staff", "The organization's staff, newest first", get(list))
            .staff(manage).query::<PageQuery>().answers::<Page<Staff>>(200),
        Route::patch("/api/admin/staff/{id}", "Change a member's role or status; the last active owner stays an active owner", patch(update))
            .staff(manage).body::<StaffChange>().answers::<Staff>(200).errors(&["CONFLICT"]),
        Route::delete("/api/admin/staff/{id}", "Remove a member: their sessions end at once", delete(remove))
            .staff(manage).no_content().errors(&["CONFLICT"]),
    ]
}

async fn invite(
    State(state): State<GatewayState>,
    session: StaffSession,
    Json(body): Json<NewStaff>,
) -> Result<(StatusCode, axum::Json<Staff>), ApiError> {
    let request = session.request(pb::InviteStaffRequest {
        email: body.email,
        name: body.name,
        role: body.role,
    });
    let mut client = state.clients.staff.clone();
    let response = client.invite_staff(request).await?.into_inner();
    let staff = response.staff.unwrap_or_default().into();
    Ok((StatusCode::CREATED, axum::Json(staff)))
}

async fn list(
    State(state): State<GatewayState>,
    session: StaffSession,
    Query(query): Query<PageQuery>,
) -> Result<axum::Json<Page<Staff>>, ApiError> {
    let (page_size, page_token) = query.paging.size_and_token()?;
    let request = session.request(pb::ListStaffRequest {
        page_size,
        page_token,
    });
    let mut client = state.clients.staff.clone();
    let response = client.list_staff(request).await?.into_inner();
    let items = response.items.into_iter().map(Staff::from);
    Ok(axum::Json(Page::of(items, response.next_page_token)))
}

async fn update(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
    Json(body): Json<StaffChange>,
) -> Result<axum::Json<Staff>, ApiError> {
    let request = session.request(pb::UpdateStaffRequest {
        staff_id: path_id(&id)?.to_string(),
        role: body.role,
        status: body.status,
    });
    let mut client = state.clients.staff.clone();
    let response = client.update_staff(request).await?.into_inner();
    Ok(axum::Json(response.staff.unwrap_or_default().into()))
}

async fn remove(
    State(state): State<GatewayState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let request = session.request(pb::StaffRequest {
        staff_id: path_id(&id)?.to_string(),
    });
    state.clients.staff.clone().remove_staff(request).await?;
    Ok(StatusCode::NO_CONTENT)
}
