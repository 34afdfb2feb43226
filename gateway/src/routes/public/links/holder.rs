//! Who holds a link: the live link a token names, as the organization's customer it
//! was sent to, and the one answer every token that opens nothing gets.

use std::net::IpAddr;

use atrium_common::auth::Principal;
use atrium_common::error::{ApiError, ErrorCode};
use atrium_proto::documents::v1 as documents;
use axum::response::Response;
use http::{HeaderValue, header};

use crate::GatewayState;
use crate::extract::{ActsFor, Call, enforce_public_limit, from_client};

/// A link holder: the organization's customer the link was sent to, acting only
/// through this one link.
pub struct LinkHolder {
    pub principal: Principal,
    pub link: documents::ShareLink,
    pub client_ip: IpAddr,
}

impl ActsFor for LinkHolder {
    fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = from_client(self.client_ip, message);
        self.principal.write_to(request.metadata_mut());
        request
    }
}

impl LinkHolder {
    /// The holder of `link`, acting as the customer it was sent to.
    pub fn of(link: documents::ShareLink, client_ip: IpAddr) -> Option<LinkHolder> {
        let org = atrium_common::ids::OrgId::parse(&link.org_id)?;
        let customer = atrium_common::ids::CustomerId::parse(&link.customer_id)?;
        Some(LinkHolder {
            principal: Principal::customer(org, customer.0),
            link,
            client_ip,
        })
    }

    pub fn subject(&self) -> (String, String) {
        let subject = self.link.subject.clone().unwrap_or_default();
        (subject.kind, subject.id)
    }
}

/// The one answer for every token that opens nothing.
pub fn token_invalid() -> ApiError {
    let mut err = ApiError::new(ErrorCode::InvalidArgument, "this link is not valid");
    err.code = "TOKEN_INVALID".into();
    err
}

/// A token is 43 characters of base64url; anything else names no link.
pub fn well_formed(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The live link `token` names, counting `count` (`view`, `download`, or nothing).
pub async fn open(
    state: &GatewayState,
    ip: IpAddr,
    token: &str,
    count: &str,
) -> Result<Call<LinkHolder>, ApiError> {
    enforce_public_limit(state, ip).await?;
    if !well_formed(token) {
        return Err(token_invalid());
    }
    let request = from_client(
        ip,
        documents::OpenLinkRequest {
            token: token.to_owned(),
            count: count.to_owned(),
        },
    );
    let link = state
        .clients
        .links
        .clone()
        .open_link(request)
        .await
        .map_err(dead)?
        .into_inner();
    let holder = LinkHolder::of(link, ip).ok_or_else(token_invalid)?;
    Ok(Call {
        session: holder,
        state: state.clone(),
    })
}

/// A refusal from behind a link: a link that is not live, or a subject that is gone
/// or no longer the customer's, answers as every dead token does.
pub fn dead(status: tonic::Status) -> ApiError {
    match status.code() {
        tonic::Code::InvalidArgument
        | tonic::Code::NotFound
        | tonic::Code::PermissionDenied
        | tonic::Code::Unauthenticated => token_invalid(),
        _ => status.into(),
    }
}

/// Every link answer: never kept, never sent on as a referrer, never indexed.
pub fn private(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    response
}

/// `linked!(holder, client.method(message))`: `call!` for a link holder, where every
/// refusal answers as a dead token.
macro_rules! linked_call {
    ($holder:expr, $client:ident.$method:ident($message:expr)) => {{
        let request = ActsFor::request(&$holder.session, $message);
        $holder
            .state
            .clients
            .$client
            .clone()
            .$method(request)
            .await
            .map_err(dead)?
            .into_inner()
    }};
}

pub(crate) use linked_call as linked;
