//! What a handler calls a service with: the signed-in caller and the gateway's clients
//! ([`Call`]), the [`call!`](crate::call) that sends a message as that caller, and the
//! resource ids of the path ([`PathId`], [`PathIds`]).

use atrium_common::error::ApiError;
use axum::extract::{FromRequestParts, Path};
use http::request::Parts;
use uuid::Uuid;

use super::{CustomerSession, StaffSession, path_id};
use crate::GatewayState;

/// A signed-in caller (`S`: a staff member's or a customer's session) with the clients to
/// call the services on their behalf. Reads as the session it holds.
pub struct Call<S> {
    pub session: S,
    pub state: GatewayState,
}

/// A staff member's call.
pub type StaffCall = Call<StaffSession>;
/// A customer's call.
pub type CustomerCall = Call<CustomerSession>;

impl<S> std::ops::Deref for Call<S> {
    type Target = S;

    fn deref(&self) -> &S {
        &self.session
    }
}

impl<S> FromRequestParts<GatewayState> for Call<S>
where
    S: FromRequestParts<GatewayState, Rejection = ApiError> + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &GatewayState) -> Result<Self, ApiError> {
        let session = S::from_request_parts(parts, state).await?;
        Ok(Call {
            session,
            state: state.clone(),
        })
    }
}

/// `call!(caller, client.method(message))`: sends `message` to the gateway client
/// `client` as the signed-in `caller` (a [`Call`]) and answers the reply's message; a
/// failed call returns from the handler with its [`ApiError`].
#[macro_export]
macro_rules! call {
    ($call:expr, $client:ident.$method:ident($message:expr)) => {{
        let request = $crate::extract::ActsFor::request(&$call.session, $message);
        $call
            .state
            .clients
            .$client
            .clone()
            .$method(request)
            .await?
            .into_inner()
    }};
}

/// The `{id}` of the path as a uuid in its canonical form; any other text is 404, as an
/// id that names nothing.
pub struct PathId(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path(text) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found())?;
        Ok(PathId(path_id(&text)?))
    }
}

/// The two ids of a nested path (`/…/{id}/…/{child_id}`), each read as [`PathId`] reads one.
pub struct PathIds(pub Uuid, pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for PathIds {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Path((parent, child)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::not_found())?;
        Ok(PathIds(path_id(&parent)?, path_id(&child)?))
    }
}

impl std::fmt::Display for PathId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
