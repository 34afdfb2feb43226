//! Staff and requests (design/collaboration.md): every request of the organization with
//! filters (`projects.view`), one with its whole thread, changes of status, priority,
//! category, assignee and project, and replies or internal notes (`requests.manage`).

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::portal::v1 as pb;
use axum::routing::{get, patch, post};
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::api::Page;
use crate::api::requests::{Request, RequestFilter, RequestPatch, StaffMessage, named, one};
use crate::call;
use crate::extract::{Json, PathId, Query, StaffCall};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let (view, manage) = (Permission::ProjectsView, Permission::RequestsManage);
    vec![
        Route::get("/api/admin/requests", "Every request of the organization, newest first, with filters", get(list))
            .staff(view).query::<RequestFilter>().answers::<Page<Request>>(200),
        Route::get("/api/admin/requests/stats", "Per type, the requests opened and closed in a period and the median seconds to the first reply and to the close", get(stats))
            .staff(view).query::<StatsQuery>().answers::<RequestStats>(200),
        Route::get("/api/admin/requests/{id}", "One request with its whole thread, internal notes included", get(read))
            .staff(view).answers::<Request>(200),
        Route::patch("/api/admin/requests/{id}", "Change a request's status, priority, category, assignee (active staff) or project", patch(update))
            .staff(manage).body::<RequestPatch>().answers::<Request>(200),
        Route::post("/api/admin/requests/{id}/messages", "Reply to the customer, or add an internal note (internal: true) no customer ever sees", post(reply))
            .staff(manage).body::<StaffMessage>().answers::<Request>(201),
    ]
}

pub(crate) async fn list(
    staff: StaffCall,
    Query(filter): Query<RequestFilter>,
) -> Answer<Page<Request>> {
    let response = call!(staff, requests.list_requests(filter.request()?));
    let items = named(&staff, response.items, false).await?;
    Ok(Json(Page::of(items, response.next_page_token)))
}

fn by_id(PathId(id): &PathId) -> pb::RequestIdRequest {
    pb::RequestIdRequest {
        request_id: id.to_string(),
    }
}

pub(crate) async fn read(staff: StaffCall, id: PathId) -> Answer<Request> {
    let response = call!(staff, requests.get_request(by_id(&id)));
    Ok(Json(one(&staff, response).await?))
}

pub(crate) async fn update(
    staff: StaffCall,
    PathId(id): PathId,
    Json(body): Json<RequestPatch>,
) -> Answer<Request> {
    let response = call!(staff, requests.update_request(body.request(id.to_string())));
    Ok(Json(one(&staff, response).await?))
}

pub(crate) async fn reply(
    staff: StaffCall,
    PathId(id): PathId,
    Json(body): Json<StaffMessage>,
) -> Result<(StatusCode, Json<Request>), ApiError> {
    let request = pb::AddRequestMessageRequest {
        request_id: id.to_string(),
        body: body.body,
        internal: body.internal,
    };
    let response = call!(staff, requests.add_request_message(request));
    Ok((StatusCode::CREATED, Json(one(&staff, response).await?)))
}

/// The period of the stats: days, both included.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub(crate) struct StatsQuery {
    /// `YYYY-MM-DD`
    pub from: Option<String>,
    /// `YYYY-MM-DD`, at most 366 days after `from`.
    pub to: Option<String>,
}

/// The figures of each type.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct RequestStats {
    pub job: TypeStats,
    pub support: TypeStats,
}

#[derive(Debug, Default, Serialize, JsonSchema)]
pub(crate) struct TypeStats {
    /// Opened in the period.
    pub opened: i64,
    /// Closed in the period.
    pub closed: i64,
    /// Of those opened in the period (null: none has one yet).
    pub median_first_response_secs: Option<i64>,
    pub median_resolution_secs: Option<i64>,
}

pub(crate) async fn stats(staff: StaffCall, Query(q): Query<StatsQuery>) -> Answer<RequestStats> {
    let request = pb::RequestStatsRequest {
        from: q.from.unwrap_or_default(),
        to: q.to.unwrap_or_default(),
    };
    let found = call!(staff, requests.get_request_stats(request));
    let mut answer = RequestStats {
        job: TypeStats::default(),
        support: TypeStats::default(),
    };
    for item in found.items {
        let figures = TypeStats {
            opened: item.opened,
            closed: item.closed,
            median_first_response_secs: item.median_first_response_secs,
            median_resolution_secs: item.median_resolution_secs,
        };
        match item.r#type.as_str() {
            "job" => answer.job = figures,
            _ => answer.support = figures,
        }
    }
    Ok(Json(answer))
}
