//! Guests of one gallery: its password opens a session for that gallery alone, bound to
//! the password's version, so a new password (or none) ends every guest's access.

use atrium_common::ids::OrgId;
use atrium_common::password::verify_password;
use atrium_common::token::{hash_token, random_token};
use chrono::Duration;

pub mod store;

use crate::AppState;
use crate::error::PortalError;
use crate::project::{self, Project, ProjectView, with_phases};
use crate::settings;

/// How long a guest session lasts.
pub const GUEST_SESSION: Duration = Duration::days(7);

/// A new guest session: the token for the cookie and its lifetime in seconds.
pub struct GuestSession {
    pub token: String,
    pub max_age: i64,
}

/// The organization's gallery with this slug, if guests may open it: a gallery (not a
/// project) with a guest password, while the `gallery` feature is on. Else 404.
async fn guest_gallery(state: &AppState, org_id: &str, slug: &str) -> Result<Project, PortalError> {
    let org_id = OrgId::parse(org_id).ok_or(PortalError::ProjectNotFound)?;
    let gallery = project::store::find_by_slug(&state.db, org_id, slug)
        .await?
        .filter(Project::open_to_guests)
        .ok_or(PortalError::ProjectNotFound)?;
    if settings::load(state, org_id).await?.features.gallery {
        Ok(gallery)
    } else {
        Err(PortalError::ProjectNotFound)
    }
}

/// `POST /api/gallery/{org}/{slug}/access`.
pub async fn open(
    state: &AppState,
    org_id: &str,
    slug: &str,
    password: &str,
) -> Result<GuestSession, PortalError> {
    let gallery = guest_gallery(state, org_id, slug).await?;
    let hash = gallery.guest_password_hash.clone().unwrap_or_default();
    if password.is_empty() || password.len() > 128 {
        return Err(PortalError::InvalidCredentials);
    }
    if !verify_password(password.to_owned(), hash).await? {
        return Err(PortalError::InvalidCredentials);
    }
    let token = random_token();
    let now = state.clock.now();
    store::insert_guest_session(
        &state.db,
        &hash_token(&token),
        &gallery,
        now,
        now + GUEST_SESSION,
    )
    .await?;
    Ok(GuestSession {
        token,
        max_age: GUEST_SESSION.num_seconds(),
    })
}

/// `GET /api/gallery/{org}/{slug}`: the gallery a live guest session opens (401 without
/// one, or with one opened before the password changed).
pub async fn read(
    state: &AppState,
    org_id: &str,
    slug: &str,
    token: &str,
) -> Result<ProjectView, PortalError> {
    let gallery = guest_gallery(state, org_id, slug).await?;
    if token.is_empty() {
        return Err(PortalError::GuestSessionInvalid);
    }
    let now = state.clock.now();
    let opened =
        store::find_guest_gallery(&state.db, gallery.org_id, slug, &hash_token(token), now)
            .await?
            .ok_or(PortalError::GuestSessionInvalid)?;
    with_phases(state, opened.for_guests()).await
}
