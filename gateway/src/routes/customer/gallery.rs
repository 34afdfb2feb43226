//! The customer's gallery: the `client` and `public` photos of a project assigned to
//! them, each rendition authorized on its own request, and every original as one ZIP.

use atrium_common::error::ApiError;
use atrium_proto::documents::v1 as pb;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::get;
use http::{HeaderMap, Method};

use crate::api::Page;
use crate::api::gallery::Item;
use crate::call;
use crate::extract::{CustomerCall, Json, PathId};
use crate::routes::admin::gallery::{disposition, item_and_rendition};
use crate::routes::files;
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let revoked = ["CUSTOMER_ASSIGNMENT_REVOKED"];
    vec![
        Route::get("/api/customer/projects/{id}/gallery", "The project's photos shared with customers, by position", get(list))
            .customer().answers::<Page<Item>>(200).errors(&revoked),
        Route::get("/api/customer/projects/{id}/gallery.zip", "Every shared original as one ZIP, streamed", get(archive))
            .customer().file().errors(&revoked),
        Route::get("/api/customer/gallery/{item_id}/{rendition}", "One photo: thumb, preview or original", get(rendition))
            .customer().file().errors(&["CUSTOMER_ASSIGNMENT_REVOKED", "CONFLICT"]),
    ]
}

fn of_project(PathId(id): PathId) -> pb::ListItemsRequest {
    pb::ListItemsRequest {
        project_id: id.to_string(),
    }
}

pub(crate) async fn list(customer: CustomerCall, id: PathId) -> Answer<Page<Item>> {
    let response = call!(customer, my_gallery.list_my_items(of_project(id)));
    Ok(Json(Page::of(
        response.items.into_iter().map(Item::from),
        String::new(),
    )))
}

pub(crate) async fn archive(customer: CustomerCall, id: PathId) -> Result<Response, ApiError> {
    let stream = call!(customer, my_gallery.download_my_gallery(of_project(id)));
    files::made("gallery.zip", stream).await
}

pub(crate) async fn rendition(
    customer: CustomerCall,
    Path((item, rendition)): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (item_id, rendition) = item_and_rendition(&item, rendition)?;
    let asked = pb::RenditionRequest {
        item_id,
        rendition: rendition.clone(),
        range: None,
    };
    let file = call!(customer, my_gallery.get_my_rendition(asked.clone()));
    let customer = &customer;
    files::answer(
        &method,
        &headers,
        (file, disposition(&rendition)),
        |range| {
            let request = pb::RenditionRequest { range, ..asked };
            async move { Ok(call!(customer, my_gallery.download_my_rendition(request))) }
        },
    )
    .await
}
