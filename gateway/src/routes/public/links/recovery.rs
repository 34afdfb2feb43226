//! Asking again from a link: "Send again" mails a new link to the document to the
//! customer's address on file, "Get portal access" their invitation or a reset link,
//! and "Request access" (an organization and an email, no token) fresh links to the
//! open invoices and quotes of the customer with that email. Each answers 202 at once
//! whatever it is given, and does the work after the answer, so neither the answer nor
//! its time tells a known token or email from an unknown one. Each is limited per
//! client address, and to 3 an hour per token as typed (keyed on its hash, known or
//! not) or per email as typed (`ATRIUM_RATE_LIMIT_RECOVERY_ACCOUNT`).

use std::net::IpAddr;
use std::time::Duration;

use atrium_common::limits::RateLimit;
use atrium_proto::billing::v1 as billing;
use atrium_proto::documents::v1 as documents;
use atrium_proto::identity::v1 as identity;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use schemars::JsonSchema;
use serde::Deserialize;

use super::holder::{LinkHolder, private, well_formed};
use crate::GatewayState;
use crate::api::Message;
use crate::extract::{ActsFor, ClientAddr, Json, enforce_limit, enforce_public_limit, from_client};
use atrium_common::error::ApiError;

/// `renew` and `portal-access`: 3 an hour per token as typed.
const PER_TOKEN: RateLimit = RateLimit {
    count: 3,
    window: Duration::from_secs(3600),
};

/// What the holder asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// "Send again": a new link to the same document.
    Renew,
    /// "Get portal access": an invitation or a reset link.
    PortalAccess,
}

impl Ask {
    fn key(self) -> &'static str {
        match self {
            Ask::Renew => "renew",
            Ask::PortalAccess => "portal-access",
        }
    }
}

/// Counts the ask against the address and the token's limits; over either, 429.
pub async fn limit(
    state: &GatewayState,
    ip: IpAddr,
    ask: Ask,
    token: &str,
) -> Result<(), ApiError> {
    enforce_public_limit(state, ip).await?;
    let digest = atrium_common::token::hash_token(token);
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    let key = format!("gateway:links:{}:{hex}", ask.key());
    enforce_limit(state, &key, PER_TOKEN).await
}

/// Starts the work the ask stands for, to finish after the answer; anything but a
/// known token (live, expired or ended) of a customer does nothing.
pub fn start(state: &GatewayState, ip: IpAddr, ask: Ask, token: String) {
    let state = state.clone();
    tokio::spawn(async move {
        if !well_formed(&token) {
            return;
        }
        let Some(holder) = known(&state, ip, &token).await else {
            return;
        };
        let done = match ask {
            Ask::Renew => {
                let request = holder.request(billing::RenewDocumentRequest { token });
                state
                    .clients
                    .sending
                    .clone()
                    .renew_document(request)
                    .await
                    .map(drop)
            }
            Ask::PortalAccess => {
                let request = holder.request(identity::PortalAccessRequest {});
                let mut client = state.clients.customer_auth.clone();
                client.request_portal_access(request).await.map(drop)
            }
        };
        if let Err(status) = done {
            tracing::warn!(ask = ask.key(), code = ?status.code(), "a link holder's ask failed");
        }
    });
}

/// The holder of the link `token` names, whatever its state but revoked.
async fn known(state: &GatewayState, ip: IpAddr, token: &str) -> Option<LinkHolder> {
    let request = from_client(
        ip,
        documents::LinkTokenRequest {
            token: token.to_owned(),
        },
    );
    let found = state.clients.links.clone().find_link(request).await.ok()?;
    let found = found.into_inner();
    let link = found.link.filter(|_| found.found)?;
    LinkHolder::of(link, ip)
}

/// The one answer of every ask.
pub fn accepted() -> Response {
    let message = "if this link is known, the mail is on its way to the address on file";
    let body = axum::Json(Message {
        message: message.into(),
    });
    private((StatusCode::ACCEPTED, body).into_response())
}

/// `POST /api/links/{token}/{renew|portal-access}`.
async fn ask(state: GatewayState, ip: IpAddr, ask: Ask, token: String) -> Response {
    if let Err(err) = limit(&state, ip, ask, &token).await {
        return private(err.into_response());
    }
    start(&state, ip, ask, token);
    accepted()
}

pub async fn renew(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    Path(token): Path<String>,
) -> Response {
    ask(state, ip, Ask::Renew, token).await
}

pub async fn portal_access(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    Path(token): Path<String>,
) -> Response {
    ask(state, ip, Ask::PortalAccess, token).await
}

/// The body of `POST /api/links/request-access`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct AccessRequest {
    /// The organization's slug.
    pub org: String,
    /// The email the customer is known by.
    pub email: String,
}

/// "Request access": 202 whatever is asked; when `email` is a customer of `org` who may
/// still be sent documents, one mail with fresh links to their open invoices and
/// quotes goes to their address on file.
pub async fn request_access(
    State(state): State<GatewayState>,
    ClientAddr(ip): ClientAddr,
    Json(body): Json<AccessRequest>,
) -> Response {
    let limited = async {
        enforce_public_limit(&state, ip).await?;
        let typed = format!("{}\0{}", body.org, body.email);
        let digest = atrium_common::token::hash_token(&typed);
        let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        let key = format!("gateway:links:request-access:{hex}");
        enforce_limit(&state, &key, state.settings.rate_limits.recovery_account).await
    };
    if let Err(err) = limited.await {
        return private(err.into_response());
    }
    let worker = state.clone();
    tokio::spawn(async move {
        if let Err(status) = send_open(&worker, ip, body).await {
            tracing::warn!(code = ?status.code(), "a request for access failed");
        }
    });
    let message = "if this email is known, the links are on their way to it";
    let answer = axum::Json(Message {
        message: message.into(),
    });
    private((StatusCode::ACCEPTED, answer).into_response())
}

/// The work of a request for access, after the answer.
async fn send_open(
    state: &GatewayState,
    ip: IpAddr,
    body: AccessRequest,
) -> Result<(), tonic::Status> {
    let asked = from_client(
        ip,
        identity::ForgotPasswordRequest {
            org: body.org,
            email: body.email,
        },
    );
    let mut identity = state.clients.customer_auth.clone();
    let found = identity.find_customer_by_email(asked).await?.into_inner();
    let org = atrium_common::ids::OrgId::parse(&found.org_id);
    let customer = atrium_common::ids::CustomerId::parse(&found.customer_id);
    let (true, Some(org), Some(customer)) = (found.found, org, customer) else {
        return Ok(());
    };
    let principal = atrium_common::auth::Principal::customer(org, customer.0);
    let mut request = from_client(ip, billing::SendOpenDocumentsRequest {});
    principal.write_to(request.metadata_mut());
    state
        .clients
        .sending
        .clone()
        .send_open_documents(request)
        .await?;
    Ok(())
}
