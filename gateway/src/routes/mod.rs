//! The route table: each route's method, path, who may call it, the types of its body,
//! query and answer, the errors it can answer, and its handler, in one row built from
//! the handler's own types. The router and `/api/openapi.json` are both made from this
//! table, so they cannot disagree; a route's permission is enforced from it too.
//!
//! Routes are grouped by tier, then resource: `platform/`, `public/`, `admin/`,
//! `customer/` (`notifications` serves both signed-in tiers).

pub(crate) mod admin;
pub(crate) mod customer;
pub(crate) mod files;
pub(crate) mod notifications;
pub(crate) mod platform;
pub(crate) mod public;
pub(crate) mod recovery;

use std::collections::BTreeSet;

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use http::Method;
use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::GatewayState;
use crate::extract::{MAX_JSON_BODY, StaffSession};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    Public,
    /// A staff member; with a permission, one whose role holds it (checked before the
    /// handler runs, so without it every id answers alike).
    Staff(Option<Permission>),
    Customer,
    Platform,
}

/// Makes the schema of one type, registering what it refers to with the generator.
pub type SchemaOf = fn(&mut SchemaGenerator) -> Schema;

/// What a handler answering JSON returns: the body, or the error of DESIGN.md's table.
pub type Answer<T> = Result<crate::extract::Json<T>, atrium_common::error::ApiError>;

fn schema_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// The schema itself, not a reference to it (a query's fields become parameters).
fn inline_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    T::json_schema(generator)
}

/// One documented route.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub summary: &'static str,
    pub security: Security,
    /// The JSON body it takes, if any.
    pub body: Option<SchemaOf>,
    /// Or the text fields of the `multipart/form-data` upload it takes (its `file` part
    /// last).
    pub upload: Option<SchemaOf>,
    /// Answers a file (200, or 206 for a range, 304, 416), and `HEAD` too.
    pub file: bool,
    /// Its query parameters: the fields of one type.
    pub query: Option<SchemaOf>,
    /// Books money: takes an `Idempotency-Key` header.
    pub idempotent: bool,
    /// Its success status, and the JSON it answers (none: no body).
    pub status: u16,
    pub answer: Option<SchemaOf>,
    /// Other statuses that answer a body of their own, not the error body.
    pub other_answers: Vec<(u16, SchemaOf)>,
    /// The error codes (DESIGN.md's table) it can answer, those every route of its kind
    /// can answer included.
    pub errors: BTreeSet<&'static str>,
    pub handler: MethodRouter<GatewayState>,
}

impl Route {
    /// A public route that answers 200; the builder methods below say the rest.
    pub fn new(
        method: Method,
        path: &'static str,
        summary: &'static str,
        handler: MethodRouter<GatewayState>,
    ) -> Route {
        let mut errors = BTreeSet::from(["INTERNAL", "UNAVAILABLE", "DEADLINE_EXCEEDED"]);
        if path.contains('{') {
            // A path id that is not a UUID is 404, like one that does not exist.
            errors.insert("NOT_FOUND");
        }
        Route {
            method,
            path,
            summary,
            security: Security::Public,
            body: None,
            upload: None,
            file: false,
            query: None,
            idempotent: false,
            status: 200,
            answer: None,
            other_answers: Vec::new(),
            errors,
            handler,
        }
    }

    pub fn get(path: &'static str, summary: &'static str, h: MethodRouter<GatewayState>) -> Route {
        Route::new(Method::GET, path, summary, h)
    }

    pub fn post(path: &'static str, summary: &'static str, h: MethodRouter<GatewayState>) -> Route {
        Route::new(Method::POST, path, summary, h)
    }

    pub fn put(path: &'static str, summary: &'static str, h: MethodRouter<GatewayState>) -> Route {
        Route::new(Method::PUT, path, summary, h)
    }

    pub fn patch(
        path: &'static str,
        summary: &'static str,
        h: MethodRouter<GatewayState>,
    ) -> Route {
        Route::new(Method::PATCH, path, summary, h)
    }

    pub fn delete(
        path: &'static str,
        summary: &'static str,
        h: MethodRouter<GatewayState>,
    ) -> Route {
        Route::new(Method::DELETE, path, summary, h)
    }

    /// For staff whose role holds `permission`.
    pub fn staff(mut self, permission: Permission) -> Route {
        self.security = Security::Staff(Some(permission));
        self.errors.extend(["UNAUTHENTICATED", "PERMISSION_DENIED"]);
        self
    }

    /// For any signed-in staff member.
    pub fn any_staff(mut self) -> Route {
        self.security = Security::Staff(None);
        self.errors.insert("UNAUTHENTICATED");
        self
    }

    /// For a signed-in customer; every method but GET also needs the CSRF token.
    pub fn customer(mut self) -> Route {
        self.security = Security::Customer;
        self.errors.insert("UNAUTHENTICATED");
        if self.method != Method::GET {
            self.errors.insert("CSRF_FAILED");
        }
        self
    }

    /// For the platform operator's bearer token.
    pub fn platform(mut self) -> Route {
        self.security = Security::Platform;
        self.errors.insert("UNAUTHENTICATED");
        self
    }

    /// Takes a JSON body of type `T`.
    pub fn body<T: JsonSchema>(mut self) -> Route {
        self.body = Some(schema_of::<T>);
        self.errors.extend([
            "MALFORMED_JSON",
            "UNSUPPORTED_MEDIA_TYPE",
            "PAYLOAD_TOO_LARGE",
            "VALIDATION_FAILED",
        ]);
        self
    }

    /// Takes a `multipart/form-data` upload: the text fields of `T`, then `file`
    /// (streamed, up to `ATRIUM_UPLOAD_MAX_BYTES`).
    pub fn upload<T: JsonSchema>(mut self) -> Route {
        self.upload = Some(inline_of::<T>);
        self.errors.extend([
            "UNSUPPORTED_MEDIA_TYPE",
            "PAYLOAD_TOO_LARGE",
            "VALIDATION_FAILED",
        ]);
        self
    }

    /// Answers a file (`routes::files`): its bytes, a range of them, or 304 / 416.
    pub fn file(mut self) -> Route {
        self.file = true;
        self
    }

    /// Reads the query parameters of type `T`; a bad one is 422.
    pub fn query<T: JsonSchema>(mut self) -> Route {
        self.query = Some(inline_of::<T>);
        self.errors.insert("VALIDATION_FAILED");
        self
    }

    /// Answers `status` with JSON of type `T`.
    pub fn answers<T: JsonSchema>(mut self, status: u16) -> Route {
        self.status = status;
        self.answer = Some(schema_of::<T>);
        self
    }

    /// Also answers `status` with JSON of type `T` (not the error body).
    pub fn also_answers<T: JsonSchema>(mut self, status: u16) -> Route {
        self.other_answers.push((status, schema_of::<T>));
        self
    }

    /// Answers 204 without a body.
    pub fn no_content(mut self) -> Route {
        self.status = 204;
        self.answer = None;
        self
    }

    /// Books money once per `Idempotency-Key` header (1–255 characters, else 422): the
    /// same key and body answer the first answer again, another body is 422.
    pub fn books_money(mut self) -> Route {
        self.idempotent = true;
        self.errors
            .extend(["VALIDATION_FAILED", "IDEMPOTENCY_KEY_REUSED"]);
        self
    }

    /// Counts against a rate limit (429 with `Retry-After` over it).
    pub fn limited(mut self) -> Route {
        self.errors.insert("RATE_LIMITED");
        self
    }

    /// Can answer these codes too.
    pub fn errors(mut self, codes: &[&'static str]) -> Route {
        self.errors.extend(codes.iter().copied());
        self
    }

    /// Calls no service (health, the document itself): none of their failures apply.
    pub fn local(mut self) -> Route {
        for code in ["INTERNAL", "UNAVAILABLE", "DEADLINE_EXCEEDED"] {
            self.errors.remove(code);
        }
        self
    }
}

/// Every route the gateway serves.
pub fn routes() -> Vec<Route> {
    [
        public::routes(),
        platform::routes(),
        admin::routes(),
        customer::routes(),
        notifications::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Header set on answers to requests no route matched, so tests can tell the router's
/// own 404/405 from a handler's.
pub const UNMATCHED_HEADER: &str = "x-atrium-unmatched";

pub fn build_router(state: GatewayState) -> Router {
    let mut router: Router<GatewayState> = Router::new();
    let mut by_path: Vec<(&'static str, MethodRouter<GatewayState>)> = Vec::new();
    for route in routes() {
        let handler = match route.security {
            Security::Staff(Some(permission)) => {
                route
                    .handler
                    .route_layer(axum::middleware::from_fn_with_state(
                        state.clone(),
                        move |state, request, next| require(state, request, next, permission),
                    ))
            }
            _ => route.handler,
        };
        // Every answer of a link route is private, its extractors' refusals too.
        let handler = if route.path.starts_with("/api/links/") {
            handler.route_layer(axum::middleware::map_response(
                |response: Response| async move { public::links::private(response) },
            ))
        } else {
            handler
        };
        match by_path.iter_mut().find(|(path, _)| *path == route.path) {
            Some((_, methods)) => *methods = std::mem::take(methods).merge(handler),
            None => by_path.push((route.path, handler)),
        }
    }
    for (path, methods) in by_path {
        router = router.route(path, methods.fallback(method_not_allowed));
    }
    router
        .merge(crate::pages::router(state.clone()))
        .fallback(unmatched)
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        .layer(axum::middleware::from_fn(
            crate::middleware::request_context,
        ))
        .with_state(state)
}

/// Signs the staff member in and checks the route's permission before its handler runs
/// (and before any lookup): without it, 403 `PERMISSION_DENIED` naming it. The session
/// is handed on, so the handler does not ask identity again.
async fn require(
    State(state): State<GatewayState>,
    request: Request,
    next: Next,
    permission: Permission,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let session = match StaffSession::from_request_parts(&mut parts, &state).await {
        Ok(session) => session,
        Err(err) => return err.into_response(),
    };
    if let Err(err) = session.require(permission) {
        return err.into_response();
    }
    parts.extensions.insert(session);
    next.run(Request::from_parts(parts, body)).await
}

async fn unmatched() -> Response {
    let mut response = ApiError::not_found().into_response();
    response
        .headers_mut()
        .insert(UNMATCHED_HEADER, http::HeaderValue::from_static("1"));
    response
}

async fn method_not_allowed() -> Response {
    let mut response = ApiError::with_code(
        http::StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "this method is not allowed here",
    )
    .into_response();
    response
        .headers_mut()
        .insert(UNMATCHED_HEADER, http::HeaderValue::from_static("1"));
    response
}

/// A cookie's closing attributes: its lifetime, and `Secure` when the public URL is https.
pub fn cookie_end(state: &GatewayState, max_age: i64) -> String {
    let secure = state.settings.public_url.starts_with("https://");
    format!("Max-Age={max_age}{}", if secure { "; Secure" } else { "" })
}
