//! The guest gallery: `/gallery/{org}/{slug}` asks for the gallery's password, then
//! shows the gallery, through the same handlers as `/api/gallery/…`.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use http::{HeaderMap, StatusCode};

use super::i18n::Lang;
use super::session::{PageForm, is_slug};
use super::{Chrome, PageError, render};
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
    error: Option<&'static str>,
}

async fn frame(state: &GatewayState, lang: Lang, org: &str, here: &str) -> Chrome {
    let w = lang.words();
    let mut c = Chrome::public(lang, w.gallery, here);
    let branding = crate::routes::public::branding::branding(state, org.to_owned())
        .await
        .unwrap_or_default();
    c.brand_css = Some(format!("/brand/{org}.css"));
    c.brand_name = branding.company_name;
    c.brand_logo = branding.logo_url;
    c.home = "/";
    c
}

async fn show(
    State(state): State<GatewayState>,
    Path((org, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let lang = Lang::choose(&headers, None, None);
    if !is_slug(&org) || !is_slug(&slug) {
        return Err(PageError::api(
            atrium_common::error::ApiError::not_found(),
            lang,
        ));
    }
    let here = format!("/gallery/{org}/{slug}");
    let found = gallery::read(State(state.clone()), Path((org.clone(), slug)), headers).await;
    let (gallery, status) = match found {
        Ok(axum::Json(project)) => (Some(project), StatusCode::OK),
        Err(err) if err.status == StatusCode::UNAUTHORIZED => (None, StatusCode::OK),
        Err(err) => return Err(PageError::api(err, lang)),
    };
    let mut c = frame(&state, lang, &org, &here).await;
    if let Some(g) = &gallery {
        c.title = g.name.clone();
    }
    Ok(render(
        status,
        &GalleryPage {
            c,
            action: here,
            gallery,
            error: None,
        },
    ))
}

async fn unlock(
    State(state): State<GatewayState>,
    addr: ClientAddr,
    Path((org, slug)): Path<(String, String)>,
    headers: HeaderMap,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = Lang::choose(&headers, None, None);
    if !is_slug(&org) || !is_slug(&slug) {
        return Err(PageError::api(
            atrium_common::error::ApiError::not_found(),
            lang,
        ));
    }
    let here = format!("/gallery/{org}/{slug}");
    let body = gallery::Access {
        password: form.secret("password"),
    };
    match gallery::open(
        State(state.clone()),
        addr,
        Path((org.clone(), slug)),
        Json(body),
    )
    .await
    {
        Ok(answer) => {
            let mut response = Redirect::to(&here).into_response();
            for value in answer.headers().get_all(http::header::SET_COOKIE) {
                response
                    .headers_mut()
                    .append(http::header::SET_COOKIE, value.clone());
            }
            Ok(response)
        }
        Err(err) if err.status.is_client_error() && err.status != StatusCode::NOT_FOUND => {
            let c = frame(&state, lang, &org, &here).await;
            let error = Some(lang.words().error(&err.code));
            Ok(render(
                err.status,
                &GalleryPage {
                    c,
                    action: here,
                    gallery: None,
                    error,
                },
            ))
        }
        Err(err) => Err(PageError::api(err, lang)),
    }
}
