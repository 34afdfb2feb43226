//! Project comments as staff and customers read them, with their authors' names (asked
//! of identity once per answer), and the body that adds one.

use std::collections::BTreeSet;

use atrium_common::error::ApiError;
use atrium_proto::identity::v1 as identity;
use atrium_proto::portal::v1 as pb;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::requests::Author;
use super::{Id, Time, text, time};
use crate::extract::{ActsFor, Call};

#[derive(Debug, Serialize, JsonSchema)]
pub struct Comment {
    pub id: Id,
    pub author: Author,
    pub body: String,
    pub created_at: Option<Time>,
}

/// The body of a new comment.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewComment {
    pub body: String,
}

/// The comments, oldest first, with their authors' names.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Comments {
    pub items: Vec<Comment>,
}

/// `comments` with their authors' names, asked as the caller.
pub async fn named<S: ActsFor>(
    call: &Call<S>,
    comments: Vec<pb::ProjectComment>,
) -> Result<Vec<Comment>, ApiError> {
    let (mut staff, mut customers) = (BTreeSet::new(), BTreeSet::new());
    for c in &comments {
        match c.author_kind.as_str() {
            "staff" => staff.insert(c.author_id.clone()),
            _ => customers.insert(c.author_id.clone()),
        };
    }
    let mut identity = call.state.clients.customers.clone();
    let mut again = identity.clone();
    let staff_asked = call.session.request(identity::LookupStaffRequest {
        staff_ids: staff.into_iter().collect(),
    });
    let customers_asked = call.session.request(identity::LookupCustomersRequest {
        customer_ids: customers.into_iter().collect(),
    });
    let (staff, customers) = tokio::try_join!(
        identity.lookup_staff(staff_asked),
        again.lookup_customers(customers_asked)
    )?;
    let (staff, customers) = (staff.into_inner().staff, customers.into_inner().customers);
    let name = |kind: &str, id: &str| match kind {
        "staff" => staff.iter().find(|s| s.id == id).map(|s| s.name.clone()),
        _ => customers
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone()),
    };
    Ok(comments
        .into_iter()
        .map(|c| Comment {
            author: Author {
                name: name(&c.author_kind, &c.author_id).unwrap_or_default(),
                id: text(&c.author_id).map(Id),
                kind: c.author_kind,
            },
            id: c.id.into(),
            body: c.body,
            created_at: time(c.created_at.as_ref()),
        })
        .collect())
}
