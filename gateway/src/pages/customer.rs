//! The customer portal: sign-in and recovery, the invitation, the dashboard, projects,
//! notifications and settings. Each handler calls the JSON route's own handler with the
//! same session, so the page shows exactly what the API answers.

use askama::Template;
use atrium_common::error::ApiError;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use http::header::SET_COOKIE;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::Deserialize;

use super::i18n::Lang;
use super::recovery;
use super::session::{CustomerPage, ORG_COOKIE, PageForm, is_slug};
use super::{Chrome, Nav, OnPage, PageError, again, render};
use crate::GatewayState;
use crate::api::people::{InvitationPreview, Session};
use crate::api::projects::{Card, Project};
use crate::api::settings::PublicBranding;
use crate::api::{Login, PageQuery, TokenAndPassword};
use crate::extract::{ClientAddr, Json, PathId};
use crate::routes::customer::{account, dashboard, me, projects, sessions};
use crate::routes::notifications::{self, Notification};
use crate::routes::recovery::CustomerRecovery;

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route("/customer", get(home))
        .route(
            "/customer/dashboard",
            get(|| async { Redirect::to("/customer") }),
        )
        .route("/customer/login", get(login_form).post(login))
        .route("/customer/logout", post(logout))
        .route(
            "/customer/forgot-password",
            get(recovery::forgot_form::<CustomerRecovery>)
                .post(recovery::forgot::<CustomerRecovery>),
        )
        .route(
            "/customer/reset-password",
            get(recovery::reset_form::<CustomerRecovery>).post(recovery::reset::<CustomerRecovery>),
        )
        .route(
            "/customer/accept-invitation",
            get(invitation_form).post(accept),
        )
        .route("/customer/projects", get(project_list))
        .route("/customer/projects/{id}", get(project_page))
        .route("/customer/notifications", get(notification_list))
        .route("/customer/notifications/read-all", post(read_all))
        .route("/customer/notifications/{id}/read", post(read_one))
        .route("/customer/settings", get(settings))
        .route("/customer/settings/profile", post(save_profile))
        .route("/customer/settings/password", post(change_password))
        .route("/customer/settings/sessions/{id}/end", post(end_session))
}

/// The frame of a signed-in customer's page.
fn chrome(page: &CustomerPage, title: &str, here: &str, branding: &PublicBranding) -> Chrome {
    let w = page.lang.words();
    let mut c = Chrome::public(page.lang, title, here);
    let org = &page.organization.slug;
    c.brand_css = is_slug(org).then(|| format!("/brand/{org}.css"));
    c.brand_name = branding.company_name.clone();
    c.brand_logo = branding.logo_url.clone();
    c.csrf = page.call.csrf_token.clone();
    c.sign_out = Some("/customer/logout");
    c.session_check = Some("/api/customer/me");
    let links = [
        ("/customer", w.dashboard),
        ("/customer/projects", w.projects),
        ("/customer/notifications", w.notifications),
        ("/customer/settings", w.settings),
    ];
    c.nav = links
        .into_iter()
        .map(|(href, label)| Nav {
            current: here == href || (href != "/customer" && here.starts_with(href)),
            href: href.to_owned(),
            label,
        })
        .collect();
    c
}

/// The frame of a sign-in or recovery page, in `org`'s branding when it names one.
pub(super) async fn public_chrome(
    state: &GatewayState,
    lang: Lang,
    title: &str,
    here: &str,
    org: &str,
) -> Chrome {
    let mut c = Chrome::public(lang, title, here);
    if is_slug(org) {
        let branding = brand_of(state, org).await;
        c.brand_css = Some(format!("/brand/{org}.css"));
        c.brand_name = branding.company_name;
        c.brand_logo = branding.logo_url;
    }
    c
}

async fn brand_of(state: &GatewayState, org: &str) -> PublicBranding {
    crate::routes::public::branding::branding(state, org.to_owned())
        .await
        .unwrap_or_default()
}

/// A redirect that also sets the cookies of `from` (a sign-in's answer).
fn redirect_with_cookies(to: &str, from: &Response, org: Option<&str>) -> Response {
    let mut response = Redirect::to(to).into_response();
    for value in from.headers().get_all(SET_COOKIE) {
        response.headers_mut().append(SET_COOKIE, value.clone());
    }
    if let Some(org) = org.filter(|org| is_slug(org)) {
        let cookie = format!("{ORG_COOKIE}={org}; Path=/; Max-Age=31536000; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

// ---- sign-in, recovery, invitation ----

#[derive(Deserialize, Default)]
struct OrgQuery {
    #[serde(default)]
    org: String,
    #[serde(default)]
    token: String,
}

#[derive(Template)]
#[template(path = "customer/login.html")]
struct LoginPage {
    c: Chrome,
    action: &'static str,
    forgot: String,
    org: String,
    email: String,
    error: Option<&'static str>,
}

async fn login_form(
    State(state): State<GatewayState>,
    headers: HeaderMap,
    Query(q): Query<OrgQuery>,
) -> Response {
    let lang = Lang::choose(&headers, None, None);
    let org = if is_slug(&q.org) {
        q.org
    } else {
        String::new()
    };
    let here = login_here(&org);
    let c = public_chrome(&state, lang, lang.words().sign_in_title, &here, &org).await;
    let page = LoginPage {
        c,
        action: "/customer/login",
        forgot: forgot_link("/customer", &org),
        org,
        email: String::new(),
        error: None,
    };
    render(StatusCode::OK, &page)
}

pub(super) fn login_here(org: &str) -> String {
    if org.is_empty() {
        "/customer/login".to_owned()
    } else {
        format!("/customer/login?org={org}")
    }
}

fn forgot_link(tier: &str, org: &str) -> String {
    if org.is_empty() {
        format!("{tier}/forgot-password")
    } else {
        format!("{tier}/forgot-password?org={org}")
    }
}

async fn login(
    State(state): State<GatewayState>,
    addr: ClientAddr,
    headers: HeaderMap,
    form: PageForm,
) -> Response {
    let lang = Lang::choose(&headers, None, None);
    let body = Login {
        org: form.text("org"),
        email: form.text("email"),
        password: form.secret("password"),
    };
    let (org, email) = (body.org.clone(), body.email.clone());
    match account::login(State(state.clone()), addr, headers, Json(body)).await {
        Ok(answer) => redirect_with_cookies("/customer", &answer, Some(&org)),
        Err(err) => {
            let org = if is_slug(&org) { org } else { String::new() };
            let c = public_chrome(
                &state,
                lang,
                lang.words().sign_in_title,
                &login_here(&org),
                &org,
            )
            .await;
            let page = LoginPage {
                c,
                action: "/customer/login",
                forgot: forgot_link("/customer", &org),
                org,
                email,
                error: Some(lang.words().error(&err.code)),
            };
            render(err.status, &page)
        }
    }
}

async fn logout(page: CustomerPage, _form: PageForm) -> Response {
    let to = super::session::customer_sign_in(&HeaderMap::new());
    let org = page.organization.slug.clone();
    match account::logout(page.call).await {
        Ok(answer) => {
            let to = if is_slug(&org) {
                format!("/customer/login?org={org}")
            } else {
                to
            };
            redirect_with_cookies(&to, &answer, None)
        }
        Err(err) => PageError::api(err, page.lang).into_response(),
    }
}

use super::recovery::SetPasswordPage;

async fn invitation_form(
    State(state): State<GatewayState>,
    addr: ClientAddr,
    headers: HeaderMap,
    Query(q): Query<OrgQuery>,
) -> Response {
    let lang = Lang::choose(&headers, None, None);
    let w = lang.words();
    let preview = account::preview_invitation(
        State(state.clone()),
        addr,
        crate::extract::Query(account::PreviewQuery {
            token: Some(q.token.clone()),
        }),
    )
    .await;
    let c = public_chrome(
        &state,
        lang,
        w.accept_title,
        "/customer/accept-invitation",
        "",
    )
    .await;
    let mut page = SetPasswordPage {
        c,
        heading: w.accept_title,
        intro: None,
        action: "/customer/accept-invitation",
        token: q.token,
        usable: true,
        done: None,
        error: None,
        confirm_error: false,
    };
    match preview {
        Ok(axum::Json(InvitationPreview {
            org_name, email, ..
        })) => {
            page.intro = Some(format!("{org_name} · {email}"));
            render(StatusCode::OK, &page)
        }
        Err(err) => {
            page.usable = false;
            page.error = Some(w.error(&err.code));
            render(err.status, &page)
        }
    }
}

async fn accept(
    State(state): State<GatewayState>,
    addr: ClientAddr,
    headers: HeaderMap,
    form: PageForm,
) -> Response {
    let lang = Lang::choose(&headers, None, None);
    let w = lang.words();
    let token = form.text("token");
    let password = form.secret("new_password");
    if password != form.secret("confirm_password") {
        let c = public_chrome(
            &state,
            lang,
            w.accept_title,
            "/customer/accept-invitation",
            "",
        )
        .await;
        let page = SetPasswordPage {
            c,
            heading: w.accept_title,
            intro: None,
            action: "/customer/accept-invitation",
            token,
            usable: true,
            done: None,
            error: Some(w.passwords_differ),
            confirm_error: true,
        };
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let body = TokenAndPassword {
        token: token.clone(),
        password,
    };
    match account::accept_invitation(State(state.clone()), addr, headers, Json(body)).await {
        Ok(answer) => redirect_with_cookies("/customer", &answer, None),
        Err(err) => {
            let c = public_chrome(
                &state,
                lang,
                w.accept_title,
                "/customer/accept-invitation",
                "",
            )
            .await;
            let usable = err.code != "TOKEN_INVALID";
            let page = SetPasswordPage {
                c,
                heading: w.accept_title,
                intro: None,
                action: "/customer/accept-invitation",
                token,
                usable,
                done: None,
                error: Some(w.error(&err.code)),
                confirm_error: false,
            };
            render(err.status, &page)
        }
    }
}

// ---- signed in ----

#[derive(Template)]
#[template(path = "customer/dashboard.html")]
struct DashboardPage {
    c: Chrome,
    name: String,
    projects: Vec<Card>,
    manager: Option<crate::api::people::Contact>,
    unread: i64,
    recent: Vec<Notification>,
}

async fn home(page: CustomerPage) -> Result<Response, PageError> {
    let lang = page.lang;
    let session = &page.call.session;
    let state = &page.call.state;
    let recent_query = PageQuery {
        paging: crate::api::Paging {
            page_size: Some("5".to_owned()),
            page_token: None,
        },
    };
    let recent_call = again(&page.call);
    let (home, recent) = tokio::join!(
        dashboard::load(
            state,
            session,
            Some(page.organization.clone()),
            page.account_manager.clone()
        ),
        notifications::list(recent_call, crate::extract::Query(recent_query)),
    );
    let home = home.on_page(lang)?;
    let mut recent = recent.on_page(lang)?.0;
    super::localize(lang, &mut recent.items);
    let b = &home.branding;
    let branding = PublicBranding {
        company_name: b.company_name.clone().filter(|_| b.show_name),
        logo_url: b.logo_url.clone().filter(|_| b.show_logo),
        primary_color: b.primary_color.clone(),
    };
    let c = chrome(&page, lang.words().dashboard, "/customer", &branding);
    let view = DashboardPage {
        c,
        name: page.customer.name.clone(),
        projects: home.projects,
        manager: home.account_manager,
        unread: home.unread_notifications,
        recent: recent.items,
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Template)]
#[template(path = "customer/projects.html")]
struct ProjectsPage {
    c: Chrome,
    projects: Vec<Project>,
}

async fn project_list(page: CustomerPage) -> Result<Response, PageError> {
    let lang = page.lang;
    let call = again(&page.call);
    let org = page.organization.slug.clone();
    let (list, branding) = tokio::join!(
        projects::list(call, crate::extract::Query(PageQuery::default())),
        brand_of(&page.call.state, &org),
    );
    let list = list.on_page(lang)?.0;
    let c = chrome(
        &page,
        lang.words().projects,
        "/customer/projects",
        &branding,
    );
    Ok(render(
        StatusCode::OK,
        &ProjectsPage {
            c,
            projects: list.items,
        },
    ))
}

#[derive(Template)]
#[template(path = "customer/project.html")]
struct ProjectPage {
    c: Chrome,
    project: Option<Project>,
}

async fn project_page(
    page: CustomerPage,
    id: Result<PathId, ApiError>,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let id = id.on_page(lang)?;
    let here = format!("/customer/projects/{id}");
    let call = again(&page.call);
    let org = page.organization.slug.clone();
    let (found, branding) =
        tokio::join!(projects::read(call, id), brand_of(&page.call.state, &org));
    match found {
        Ok(Json(project)) => {
            let c = chrome(&page, &project.name.clone(), &here, &branding);
            Ok(render(
                StatusCode::OK,
                &ProjectPage {
                    c,
                    project: Some(project),
                },
            ))
        }
        Err(err) if err.code == "CUSTOMER_ASSIGNMENT_REVOKED" => {
            let c = chrome(&page, lang.words().access_removed_title, &here, &branding);
            Ok(render(
                StatusCode::FORBIDDEN,
                &ProjectPage { c, project: None },
            ))
        }
        Err(err) => Err(PageError::api(err, lang)),
    }
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    c: Chrome,
    base: &'static str,
    items: Vec<Notification>,
    unread: i64,
}

async fn notification_list(page: CustomerPage) -> Result<Response, PageError> {
    let lang = page.lang;
    let call = again(&page.call);
    let org = page.organization.slug.clone();
    let (list, branding) = tokio::join!(
        notifications::list(call, crate::extract::Query(PageQuery::default())),
        brand_of(&page.call.state, &org),
    );
    let mut list = list.on_page(lang)?.0;
    super::localize(lang, &mut list.items);
    let c = chrome(
        &page,
        lang.words().notifications,
        "/customer/notifications",
        &branding,
    );
    Ok(render(
        StatusCode::OK,
        &NotificationsPage {
            c,
            base: "/customer/notifications",
            items: list.items,
            unread: list.unread_count,
        },
    ))
}

async fn read_one(
    page: CustomerPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let id = id.on_page(lang)?;
    notifications::mark_read(page.call, id)
        .await
        .on_page(lang)?;
    Ok(Redirect::to("/customer/notifications").into_response())
}

async fn read_all(page: CustomerPage, _form: PageForm) -> Result<Response, PageError> {
    let lang = page.lang;
    notifications::mark_all_read(page.call)
        .await
        .on_page(lang)?;
    Ok(Redirect::to("/customer/notifications").into_response())
}

#[derive(Template)]
#[template(path = "customer/settings.html")]
struct SettingsPage {
    c: Chrome,
    customer: atrium_proto::identity::v1::Customer,
    sessions: Vec<Session>,
    notice: Option<&'static str>,
    error: Option<&'static str>,
}

#[derive(Deserialize, Default)]
struct Done {
    #[serde(default)]
    done: String,
}

async fn settings(page: CustomerPage, Query(done): Query<Done>) -> Result<Response, PageError> {
    settings_page(page, &done.done, None, StatusCode::OK).await
}

async fn settings_page(
    page: CustomerPage,
    done: &str,
    error: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let w = lang.words();
    let call = again(&page.call);
    let org = page.organization.slug.clone();
    let (list, branding) = tokio::join!(sessions::list(call), brand_of(&page.call.state, &org));
    let list = list.on_page(lang)?.0;
    let notice = match done {
        "profile" => Some(w.saved),
        "password" => Some(w.password_changed),
        "session" => Some(w.done),
        _ => None,
    };
    let c = chrome(&page, w.settings, "/customer/settings", &branding);
    let view = SettingsPage {
        c,
        customer: page.customer.clone(),
        sessions: list.items,
        notice,
        error,
    };
    Ok(render(status, &view))
}

async fn save_profile(page: CustomerPage, form: PageForm) -> Result<Response, PageError> {
    let lang = page.lang;
    let mut patch = serde_json::Map::new();
    patch.insert("name".into(), form.text("name").into());
    for field in ["company", "phone", "address"] {
        let value = form
            .optional(field)
            .map_or(serde_json::Value::Null, Into::into);
        patch.insert(field.into(), value);
    }
    let body = serde_json::from_value(patch.into())
        .map_err(|_| ApiError::invalid_field("body", "is not a profile"))
        .on_page(lang)?;
    let call = again(&page.call);
    match me::update_me(call, Json(body)).await {
        Ok(_) => Ok(Redirect::to("/customer/settings?done=profile").into_response()),
        Err(err) if err.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let message = lang.words().error(&err.code);
            settings_page(page, "", Some(message), err.status).await
        }
        Err(err) => Err(PageError::api(err, lang)),
    }
}

async fn change_password(
    page: CustomerPage,
    addr: ClientAddr,
    headers: HeaderMap,
    form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let w = lang.words();
    let new_password = form.secret("new_password");
    if new_password != form.secret("confirm_password") {
        return settings_page(
            page,
            "",
            Some(w.passwords_differ),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let body = crate::api::ChangePassword {
        current_password: form.secret("current_password"),
        new_password,
    };
    let state = page.call.state.clone();
    let session = page.call.session.clone();
    match account::change_password(State(state), addr, headers, session, Json(body)).await {
        Ok(answer) => Ok(redirect_with_cookies(
            "/customer/settings?done=password",
            &answer,
            None,
        )),
        Err(err) if err.status.is_client_error() => {
            settings_page(page, "", Some(w.error(&err.code)), err.status).await
        }
        Err(err) => Err(PageError::api(err, lang)),
    }
}

async fn end_session(
    page: CustomerPage,
    id: Result<PathId, ApiError>,
    _form: PageForm,
) -> Result<Response, PageError> {
    let lang = page.lang;
    let id = id.on_page(lang)?;
    let own = id.to_string() == page.call.session_id;
    sessions::end(page.call, id).await.on_page(lang)?;
    if own {
        return Ok(
            Redirect::to(&super::session::customer_sign_in(&HeaderMap::new())).into_response(),
        );
    }
    Ok(Redirect::to("/customer/settings?done=session").into_response())
}
