//! The guest gallery: `/gallery/{org}/{slug}` asks for the gallery's password, then
//! shows the gallery, through the same handlers as `/api/gallery/…`.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use http::{HeaderMap, StatusCode};

use super::i18n::Lang;
use super::said::{Refusal, Said};
use super::session::{PageForm, is_slug};
use super::{Chrome, PageError, public_chrome, render};
use crate::GatewayState;
use crate::api::projects::Project;
use crate::extract::{ClientAddr, Json};
use crate::routes::public::gallery;

pub fn router() -> Router<GatewayState> {
    Router::new().route("/gallery/{org}/{slug}", get(show).post(unlock))
}

#[derive(Template)]
#[template(path = "gallery.html")]
struct GalleryPage {
    c: Chrome,
    action: String,
    gallery: Option<Project>,
    /// Its public photos.
    items: Vec<crate::api::gallery::Item>,
    rendition_base: String,
}

/// The gallery's address, once both parts are slugs (else 404 in the page's words).
fn address(org: &str, slug: &str, lang: Lang) -> Result<String, PageError> {
    if is_slug(org) && is_slug(slug) {
        Ok(format!("/gallery/{org}/{slug}"))
    } else {
        let err = atrium_common::error::ApiError::not_found();
        Err(PageError::api(err, lang))
    }
}

/// The gallery page in the organization's branding: the gallery, or the password form.
async fn page(
    state: &GatewayState,
    lang: Lang,
    org: &str,
    here: String,
    (gallery, items): (Option<Project>, Vec<crate::api::gallery::Item>),
    said: Said,
) -> Response {
    let title = gallery
        .as_ref()
        .map_or(lang.words().gallery, |g| g.name.as_str());
    let mut c = public_chrome(state, lang, title, &here, org).await;
    c.home = "/";
    c.said = said;
    let view = GalleryPage {
        c,
        rendition_base: format!("/api{}/items", here),
        action: here,
        gallery,
        items,
    };
    render(view.c.said.status(), &view)
}

async fn show(
    State(state): State<GatewayState>,
    Path((org, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let lang = Lang::choose(&headers, None, None);
    let here = address(&org, &slug, lang)?;
    let path = || Path((org.clone(), slug.clone()));
    let (found, photos) = tokio::join!(
        gallery::read(State(state.clone()), path(), headers.clone()),
        gallery::items(State(state.clone()), path(), headers.clone()),
    );
    let gallery = match found {
        Ok(axum::Json(project)) => Some(project),
        Err(err) if err.status == StatusCode::UNAUTHORIZED => None,
        Err(err) => return Err(PageError::api(err, lang)),
    };
    let items = photos.map(|list| list.0.items).unwrap_or_default();
    Ok(page(&state, lang, &org, here, (gallery, items), Said::default()).await)
}

async fn unlock(
    State(state): State<GatewayState>,
    addr: ClientAddr,
    Path((org, slug)): Path<(String, String)>,
    headers: HeaderMap,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = Lang::choose(&headers, None, None);
    let here = address(&org, &slug, lang)?;
    let body = gallery::Access {
        password: form.secret("password"),
    };
    let path = Path((org.clone(), slug));
    match gallery::open(State(state.clone()), addr, path, Json(body)).await {
        Ok(answer) => {
            let mut response = Redirect::to(&here).into_response();
            for value in answer.headers().get_all(http::header::SET_COOKIE) {
                response
                    .headers_mut()
                    .append(http::header::SET_COOKIE, value.clone());
            }
            Ok(response)
        }
        // A wrong password is the API's 401: the form again, saying so.
        Err(err) if err.status.is_client_error() && err.status != StatusCode::NOT_FOUND => {
            let said = Said::refused(Refusal::of(&err, lang).on("password"));
            Ok(page(&state, lang, &org, here, (None, Vec::new()), said).await)
        }
        Err(err) => Err(PageError::api(err, lang)),
    }
}
