//! The staff tier: a member's own account, the organization's staff, customers,
//! projects and galleries, settings, the email outbox and the audit trail.

mod account;
mod assignments;
mod audit;
mod customers;
mod invitations;
mod outbox;
mod permissions;
mod phases;
mod projects;
mod settings;
mod staff;
mod templates;

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
        phases::routes(),
        assignments::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
