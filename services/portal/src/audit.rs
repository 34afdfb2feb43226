//! Entries for identity's audit trail: written into the portal's outbox in the
//! transaction of the change they record, and relayed from there.

use atrium_common::ids::{CustomerId, ProjectId};

pub use atrium_common::outbox::Acting;

/// The audit subject of one customer's assignment to one project.
pub fn assignment(customer_id: CustomerId, project_id: ProjectId) -> (&'static str, String) {
    ("assignment", format!("{customer_id}/{project_id}"))
}
