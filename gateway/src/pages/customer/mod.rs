//! The customer portal: sign-in and recovery, the invitation, the dashboard, projects,
//! notifications and settings. Each handler calls the JSON route's own handler with the
//! same session, so the page shows exactly what the API answers.

mod approvals;
mod billing;
mod projects;
mod requests;
mod settings;

use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use http::HeaderMap;

use super::i18n::Lang;
use super::said::{Refusal, Said};
use super::session::{CustomerPage, PageForm, customer_sign_in, is_slug};
use super::sign_in::{self, Link, SetPasswordPage, redirect_with_cookies};
use super::{Chrome, Nav, PageError, SignedIn, brand_of, notices, public_chrome, recovery};
use crate::GatewayState;
use crate::api::people::InvitationPreview;
use crate::api::settings::PublicBranding;
use crate::extract::{ActsFor, ClientAddr, CustomerCall, CustomerSession};
use crate::routes::customer::account;
use crate::routes::recovery::CustomerRecovery;
use atrium_proto::portal::v1 as portal;

pub fn router() -> Router<GatewayState> {
    Router::new()
        .route(
            "/customer/dashboard",
            get(|| async { Redirect::to("/customer") }),
        )
        .route(
            "/customer/login",
            get(sign_in::login_form::<CustomerRecovery>).post(sign_in::login::<CustomerRecovery>),
        )
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
            get(invitation_form).post(sign_in::accept::<CustomerRecovery>),
        )
        .route(
            "/customer/notifications",
            get(notices::list::<CustomerPage>),
        )
        .route(
            "/customer/notifications/read-all",
            post(notices::read_all::<CustomerPage>),
        )
        .route(
            "/customer/notifications/{id}/read",
            post(notices::read_one::<CustomerPage>),
        )
        .merge(approvals::router())
        .merge(billing::router())
        .merge(projects::router())
        .merge(requests::router())
        .merge(settings::router())
}

/// The frame of a signed-in customer's page, in the organization's branding; Invoices
/// and Quotes are in the navigation while `billing` is theirs to see.
fn chrome(
    page: &CustomerPage,
    title: &str,
    here: &str,
    (branding, billing): (&PublicBranding, bool),
) -> Chrome {
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
        ("/customer/invoices", w.bill.invoices),
        ("/customer/quotes", w.bill.quotes),
        ("/customer/approvals", w.appr.approvals),
        ("/customer/requests", w.req.requests),
        ("/customer/notifications", w.notifications),
        ("/customer/settings", w.settings),
    ];
    c.nav = links
        .into_iter()
        .filter(|(href, _)| billing || !matches!(*href, "/customer/invoices" | "/customer/quotes"))
        .map(|(href, label)| Nav {
            current: here == href || (href != "/customer" && here.starts_with(href)),
            href: href.to_owned(),
            label,
        })
        .collect();
    c
}

impl SignedIn for CustomerPage {
    type Session = CustomerSession;
    const BASE: &'static str = "/customer";

    fn call(&self) -> &CustomerCall {
        &self.call
    }

    fn lang(&self) -> Lang {
        self.lang
    }

    async fn chrome(&self, title: &str, here: &str) -> Chrome {
        let (branding, billing) = tokio::join!(
            brand_of(&self.call.state, &self.organization.slug),
            sees_billing(self),
        );
        chrome(self, title, here, (&branding, billing))
    }
}

/// Whether billing is the customer's to see now (feature on, `can_view_invoices` held),
/// asked of the portal beside the branding; a portal that cannot say hides it.
async fn sees_billing(page: &CustomerPage) -> bool {
    let request = page.call.session.request(portal::CheckMyAccessRequest {
        feature: "billing".to_owned(),
        permission: "can_view_invoices".to_owned(),
    });
    let mut permissions = page.call.state.clients.permissions.clone();
    permissions.check_my_access(request).await.is_ok()
}

async fn logout(page: CustomerPage, _form: PageForm) -> Response {
    let org = page.organization.slug.clone();
    match account::logout(page.call).await {
        Ok(answer) => {
            let to = if is_slug(&org) {
                format!("/customer/login?org={org}")
            } else {
                customer_sign_in(&HeaderMap::new())
            };
            redirect_with_cookies(&to, &answer, None)
        }
        Err(err) => PageError::api(err, page.lang).into_response(),
    }
}

/// The invitation link: the organization and email it is for, then the password form.
async fn invitation_form(
    State(state): State<GatewayState>,
    addr: ClientAddr,
    headers: HeaderMap,
    Query(q): Query<Link>,
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
    let action = "/customer/accept-invitation".to_owned();
    let c = public_chrome(&state, lang, w.accept_title, &action, "").await;
    let mut page = SetPasswordPage::new(c, w.accept_title, action, q.token);
    match preview {
        Ok(axum::Json(InvitationPreview {
            org_name, email, ..
        })) => page.intro = Some(format!("{org_name} · {email}")),
        Err(err) => {
            page.usable = false;
            page.c.said = Said::refused(Refusal::of(&err, lang));
        }
    }
    page.answer()
}
