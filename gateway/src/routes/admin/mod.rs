//! The staff tier: a member's own account, the organization's staff, customers,
//! projects and galleries, documents, invoices and the ledger, share links, settings,
//! the email outbox and the audit trail.

pub(crate) mod account;
pub(crate) mod approvals;
pub(crate) mod assignments;
pub(crate) mod audit;
pub(crate) mod billing_settings;
pub(crate) mod comments;
pub(crate) mod customers;
pub(crate) mod document_types;
pub(crate) mod documents;
pub(crate) mod gallery;
pub(crate) mod invitations;
pub(crate) mod invoices;
pub(crate) mod ledger;
pub(crate) mod links;
pub(crate) mod logo;
pub(crate) mod outbox;
pub(crate) mod payments;
pub(crate) mod pdfs;
pub(crate) mod permissions;
pub(crate) mod phases;
pub(crate) mod projects;
pub(crate) mod quotes;
pub(crate) mod reports;
pub(crate) mod requests;
pub(crate) mod settings;
pub(crate) mod staff;
pub(crate) mod templates;

use super::Route;

pub fn routes() -> Vec<Route> {
    [
        account::routes(),
        staff::routes(),
        audit::routes(),
        settings::routes(),
        templates::routes(),
        outbox::routes(),
        invitations::routes(),
        customers::routes(),
        permissions::routes(),
        projects::routes(),
        comments::routes(),
        phases::routes(),
        assignments::routes(),
        document_types::routes(),
        documents::routes(),
        gallery::routes(),
        logo::routes(),
        billing_settings::routes(),
        invoices::routes(),
        ledger::routes(),
        links::routes(),
        payments::routes(),
        pdfs::routes(),
        quotes::routes(),
        requests::routes(),
        approvals::routes(),
        reports::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
