//! The customer tier: sign-in with the session cookie and recovery, the own profile
//! and sessions, the dashboard, the customer's projects and galleries, their
//! documents, and the customer's invoices and ledger.

pub(crate) mod account;
pub(crate) mod approvals;
pub(crate) mod billing;
pub(crate) mod comments;
pub(crate) mod dashboard;
pub(crate) mod documents;
pub(crate) mod gallery;
pub(crate) mod me;
pub(crate) mod pdfs;
pub(crate) mod projects;
pub(crate) mod quotes;
pub(crate) mod requests;
pub(crate) mod sessions;

use super::Route;

pub fn routes() -> Vec<Route> {
    [
        account::routes(),
        me::routes(),
        sessions::routes(),
        dashboard::routes(),
        projects::routes(),
        comments::routes(),
        documents::routes(),
        gallery::routes(),
        billing::routes(),
        quotes::routes(),
        requests::routes(),
        approvals::routes(),
        pdfs::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
