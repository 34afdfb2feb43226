//! Guest galleries: a per-gallery password opens one gallery only, into a cookie scoped
//! to that gallery's path and bound to the password's version.

use atrium_common::error::{ApiError, ErrorCode};
use atrium_proto::documents::v1 as documents;
use atrium_proto::portal::v1 as pb;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::header::SET_COOKIE;
use http::{HeaderMap, HeaderValue, StatusCode};
use schemars::JsonSchema;
use serde::Deserialize;

use super::org_id;
use crate::GatewayState;
use crate::api::Page;
use crate::api::gallery::Item;
use crate::api::projects::Project;
use crate::extract::{ClientAddr, Json, Throttle, account_key, cookie};
use crate::routes::Route;

pub const GALLERY_COOKIE: &str = "atrium_gallery";

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    vec![
        Route::post("/api/gallery/{org}/{slug}/access", "Open one gallery with its guest password: 204 and a cookie for that gallery only", post(open))
            .body::<Access>().no_content().limited().errors(&["INVALID_CREDENTIALS"]),
        Route::get("/api/gallery/{org}/{slug}", "The gallery a guest opened with its password", get(read))
            .answers::<Project>(200).errors(&["UNAUTHENTICATED"]),
        Route::get("/api/gallery/{org}/{slug}/items", "The gallery's public photos, by position", get(items))
            .answers::<Page<Item>>(200).errors(&["UNAUTHENTICATED"]),
        Route::get("/api/gallery/{org}/{slug}/items/{item_id}/{rendition}", "A public photo's thumb or preview", get(rendition))
            .file().errors(&["UNAUTHENTICATED", "CONFLICT"]),
    ]
}

#[derive(Deserialize, JsonSchema)]
pub(crate) struct Access {
    pub password: String,
}

pub(crate) async fn open(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    Path((org, slug)): Path<(String, String)>,
    Json(body): Json<Access>,
) -> Result<Response, ApiError> {
    let gallery = account_key("gallery-access", &org, &slug);
    let throttle = Throttle::begin(&state, "gallery-access", ip, gallery).await?;
    let request = pb::OpenGalleryRequest {
        org_id: org_id(&state, org.clone()).await?,
        slug: slug.clone(),
        password: body.password,
    };
    let session = state
        .clients
        .guests
        .clone()
        .open_gallery(request)
        .await?
        .into_inner();
    throttle.succeeded(&state).await;
    // The org and gallery slugs are `[a-z0-9-]`: the portal found the gallery by them.
    // One cookie for the gallery's API routes, one for its page.
    let mut response = StatusCode::NO_CONTENT.into_response();
    for prefix in ["/api/gallery", "/gallery"] {
        let cookie = format!(
            "{GALLERY_COOKIE}={}; Path={prefix}/{org}/{slug}; HttpOnly; SameSite=Lax; {}",
            session.guest_token,
            crate::routes::cookie_end(&state, session.max_age)
        );
        let value = HeaderValue::from_str(&cookie)
            .map_err(|_| ApiError::new(ErrorCode::Internal, "internal error"))?;
        response.headers_mut().append(SET_COOKIE, value);
    }
    Ok(response)
}

pub(crate) async fn read(
    State(state): State<GatewayState>,
    Path((org, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<axum::Json<Project>, ApiError> {
    let request = pb::GetGuestGalleryRequest {
        org_id: org_id(&state, org).await?,
        slug,
        guest_token: cookie(&headers, GALLERY_COOKIE).unwrap_or_default(),
    };
    let response = state
        .clients
        .guests
        .clone()
        .get_guest_gallery(request)
        .await?
        .into_inner();
    Ok(axum::Json(Project::of(
        response.project.unwrap_or_default(),
        true,
    )))
}

/// The guest's session of `org`'s gallery `slug` (the cookie, or none).
async fn guest(
    state: &GatewayState,
    (org, slug): (String, String),
    headers: &HeaderMap,
) -> Result<documents::GuestItemsRequest, ApiError> {
    Ok(documents::GuestItemsRequest {
        org_id: org_id(state, org).await?,
        slug,
        guest_token: cookie(headers, GALLERY_COOKIE).unwrap_or_default(),
    })
}

pub(crate) async fn items(
    State(state): State<GatewayState>,
    Path(gallery): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<axum::Json<Page<Item>>, ApiError> {
    let request = guest(&state, gallery, &headers).await?;
    let response = state
        .clients
        .guest_items
        .clone()
        .list_guest_items(request)
        .await?
        .into_inner();
    let items = response.items.into_iter().map(Item::from);
    Ok(axum::Json(Page::of(items, String::new())))
}

pub(crate) async fn rendition(
    State(state): State<GatewayState>,
    Path((org, slug, item, rendition)): Path<(String, String, String, String)>,
    method: http::Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (item_id, rendition) = crate::routes::admin::gallery::item_and_rendition(&item, rendition)?;
    if rendition == "original" {
        return Err(ApiError::not_found());
    }
    let asked = documents::GuestRenditionRequest {
        guest: Some(guest(&state, (org, slug), &headers).await?),
        item_id,
        rendition,
        range: None,
    };
    let client = state.clients.guest_items.clone();
    let file = client
        .clone()
        .get_guest_rendition(asked.clone())
        .await?
        .into_inner();
    let inline = crate::routes::files::Disposition::Inline;
    crate::routes::files::answer(&method, &headers, (file, inline), |range| {
        let request = documents::GuestRenditionRequest { range, ..asked };
        let mut client = client.clone();
        async move { Ok(client.download_guest_rendition(request).await?.into_inner()) }
    })
    .await
}
