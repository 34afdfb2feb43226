//! Routes anyone may call: health, the API document, an organization's login-page
//! branding, and guest galleries opened by their password.

mod branding;
mod gallery;
pub mod health;

use super::Route;

pub fn routes() -> Vec<Route> {
    let mut routes = health::routes();
    routes.extend(branding::routes());
    routes.extend(gallery::routes());
    routes
}
