//! The organization's staff (`staff.manage`): invite a member, list them, change a
//! role or status, remove one. Admins cannot touch owners; the last active owner stays.

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::identity::v1 as pb;
use axum::routing::{delete, get, patch, post};
use http::StatusCode;

use crate::api::people::{NewStaff, Staff, StaffChange};
use crate::api::{Page, PageQuery};
use crate::call;
use crate::extract::PathId;
use crate::extract::{Json, Query, StaffCall};
use crate::routes::{Answer, Route};

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

pub(crate) async fn invite(
    staff: StaffCall,
    Json(body): Json<NewStaff>,
) -> Result<(StatusCode, Json<Staff>), ApiError> {
    let request = pb::InviteStaffRequest {
        email: body.email,
        name: body.name,
        role: body.role,
    };
    let response = call!(staff, staff.invite_staff(request));
    let staff = response.staff.unwrap_or_default().into();
    Ok((StatusCode::CREATED, Json(staff)))
}

pub(crate) async fn list(staff: StaffCall, Query(query): Query<PageQuery>) -> Answer<Page<Staff>> {
    let (page_size, page_token) = query.paging.size_and_token()?;
    let request = pb::ListStaffRequest {
        page_size,
        page_token,
    };
    let response = call!(staff, staff.list_staff(request));
    let items = response.items.into_iter().map(Staff::from);
    Ok(Json(Page::of(items, response.next_page_token)))
}

pub(crate) async fn update(
    staff: StaffCall,
    id: PathId,
    Json(body): Json<StaffChange>,
) -> Answer<Staff> {
    let request = pb::UpdateStaffRequest {
        staff_id: id.to_string(),
        role: body.role,
        status: body.status,
    };
    let response = call!(staff, staff.update_staff(request));
    Ok(Json(response.staff.unwrap_or_default().into()))
}

pub(crate) async fn remove(staff: StaffCall, id: PathId) -> Result<StatusCode, ApiError> {
    let request = pb::StaffRequest {
        staff_id: id.to_string(),
    };
    call!(staff, staff.remove_staff(request));
    Ok(StatusCode::NO_CONTENT)
}
