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

/// The names of the staff and customers an answer mentions, asked of identity as the
/// caller in one round of two calls.
pub struct Names {
    staff: Vec<identity::Staff>,
    customers: Vec<identity::Customer>,
}

impl Names {
    /// Asks for the `(kind, id)` people (kind `staff` or `customer`).
    pub async fn of<S: ActsFor>(
        call: &Call<S>,
        people: Vec<(&str, &str)>,
    ) -> Result<Names, ApiError> {
        let (mut staff, mut customers) = (BTreeSet::new(), BTreeSet::new());
        for (kind, id) in people {
            if id.is_empty() {
                continue;
            }
            match kind {
                "staff" => staff.insert(id.to_owned()),
                _ => customers.insert(id.to_owned()),
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
        Ok(Names {
            staff: staff.into_inner().staff,
            customers: customers.into_inner().customers,
        })
    }

    /// The person's name; empty when identity does not know them (any more).
    pub fn name(&self, kind: &str, id: &str) -> String {
        let found = match kind {
            "staff" => self.staff.iter().find(|s| s.id == id).map(|s| &s.name),
            _ => self.customers.iter().find(|c| c.id == id).map(|c| &c.name),
        };
        found.cloned().unwrap_or_default()
    }

    /// The person as an author.
    pub fn author(&self, kind: String, id: &str) -> Author {
        Author {
            name: self.name(&kind, id),
            id: text(id).map(Id),
            kind,
        }
    }
}

/// `comments` with their authors' names, asked as the caller.
pub async fn named<S: ActsFor>(
    call: &Call<S>,
    comments: Vec<pb::ProjectComment>,
) -> Result<Vec<Comment>, ApiError> {
    let people = comments
        .iter()
        .map(|c| (c.author_kind.as_str(), c.author_id.as_str()))
        .collect();
    let names = Names::of(call, people).await?;
    Ok(comments
        .into_iter()
        .map(|c| Comment {
            author: names.author(c.author_kind, &c.author_id),
            id: c.id.into(),
            body: c.body,
            created_at: time(c.created_at.as_ref()),
        })
        .collect())
}
