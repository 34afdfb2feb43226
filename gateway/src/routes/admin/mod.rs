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
    let mut routes = account::routes();
    routes.extend(staff::routes());
    routes.extend(audit::routes());
    routes.extend(settings::routes());
    routes.extend(templates::routes());
    routes.extend(outbox::routes());
    routes.extend(invitations::routes());
    routes.extend(customers::routes());
    routes.extend(permissions::routes());
    routes.extend(projects::routes());
    routes.extend(phases::routes());
    routes.extend(assignments::routes());
    routes
}
