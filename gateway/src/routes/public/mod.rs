//! Routes anyone may call: health, the API document, an organization's login-page
//! branding, and guest galleries opened by their password.

pub(crate) mod branding;
pub(crate) mod gallery;
pub mod health;

use super::Route;

pub fn routes() -> Vec<Route> {
    [health::routes(), branding::routes(), gallery::routes()]
        .into_iter()
        .flatten()
        .collect()
}
