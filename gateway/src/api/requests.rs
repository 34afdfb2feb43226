//! Requests (design/collaboration.md): job requests and support tickets with their
//! threads, as staff and customers read them, and the bodies that change them. Names
//! (customer, assignee, authors) are identity's, asked once per answer.

use std::collections::{BTreeSet, HashMap};

use atrium_common::error::ApiError;
use atrium_proto::identity::v1 as identity;
use atrium_proto::portal::v1 as pb;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Id, Paging, Patch, Time, text, time};
use crate::extract::{ActsFor, Call};

/// A request; `messages` on single reads only (a customer's holds no internal note).
#[derive(Debug, Serialize, JsonSchema)]
pub struct Request {
    pub id: Id,
    /// Counts per organization from 1 (shown as `#42`).
    pub number: i64,
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["job", "support"]))]
    pub request_type: String,
    pub category: String,
    pub title: String,
    pub description: String,
    #[schemars(extend("enum" = ["low", "normal", "high", "urgent"]))]
    pub priority: String,
    #[schemars(extend("enum" = ["open", "in_progress", "closed"]))]
    pub status: String,
    pub customer: RequestCustomer,
    pub project_id: Option<Id>,
    pub assignee: Option<Person>,
    pub created_at: Option<Time>,
    pub updated_at: Option<Time>,
    pub first_response_at: Option<Time>,
    pub closed_at: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<Message>>,
}

/// What the pages ask of a request.
impl Request {
    /// Whether the request is closed (the page offers Close otherwise).
    pub fn is_closed(&self) -> bool {
        self.status == "closed"
    }

    pub fn status_is(&self, status: &str) -> bool {
        self.status == status
    }

    pub fn priority_is(&self, priority: &str) -> bool {
        self.priority == priority
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RequestCustomer {
    pub id: Id,
    pub name: String,
    pub company: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Person {
    pub id: Id,
    /// Empty when the member is no longer active staff.
    pub name: String,
}

/// One message of a thread.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Message {
    pub id: Id,
    pub author: Author,
    pub body: String,
    /// An internal note (staff only; never in a customer's answer).
    pub internal: bool,
    pub created_at: Option<Time>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Author {
    #[schemars(extend("enum" = ["staff", "customer"]))]
    pub kind: String,
    pub id: Option<Id>,
    pub name: String,
}

/// The body of `POST /api/customer/requests`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewRequest {
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["job", "support"]))]
    pub request_type: String,
    /// job: design, development, content, strategy, other; support: billing, access,
    /// bug, feedback, other.
    pub category: String,
    pub title: String,
    pub description: String,
    /// Default `normal`.
    pub priority: Option<String>,
    /// One of the customer's projects.
    pub project_id: Option<String>,
}

/// The body of a customer's reply.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NewMessage {
    pub body: String,
}

/// The body of a staff reply or internal note.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct StaffMessage {
    pub body: String,
    /// An internal note, never shown to the customer (default false: a public reply).
    #[serde(default)]
    pub internal: bool,
}

/// The body of `PATCH /api/admin/requests/{id}` (absent: unchanged; `null` assignee or
/// project: none).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default)]
pub struct RequestPatch {
    pub status: Option<String>,
    pub priority: Option<String>,
    pub category: Option<String>,
    pub assignee_id: Patch<String>,
    pub project_id: Patch<String>,
}

impl RequestPatch {
    pub fn request(self, request_id: String) -> pb::UpdateRequestRequest {
        let cleared = |p: Patch<String>| p.into_option().map(Option::unwrap_or_default);
        pb::UpdateRequestRequest {
            request_id,
            status: self.status,
            priority: self.priority,
            category: self.category,
            assignee_id: cleared(self.assignee_id),
            project_id: cleared(self.project_id),
        }
    }
}

/// The query of the request lists (`priority` and the ids: staff only).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RequestFilter {
    #[schemars(extend("enum" = ["open", "in_progress", "closed"]))]
    pub status: Option<String>,
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["job", "support"]))]
    pub request_type: Option<String>,
    pub priority: Option<String>,
    pub assignee_id: Option<String>,
    pub customer_id: Option<String>,
    pub project_id: Option<String>,
    /// A case-insensitive substring of the title.
    pub q: Option<String>,
    #[serde(flatten)]
    pub paging: Paging,
}

impl RequestFilter {
    pub fn request(self) -> Result<pb::ListRequestsRequest, ApiError> {
        let (page_size, page_token) = self.paging.size_and_token()?;
        Ok(pb::ListRequestsRequest {
            status: self.status.unwrap_or_default(),
            r#type: self.request_type.unwrap_or_default(),
            priority: self.priority.unwrap_or_default(),
            assignee_id: self.assignee_id.unwrap_or_default(),
            customer_id: self.customer_id.unwrap_or_default(),
            project_id: self.project_id.unwrap_or_default(),
            q: self.q.unwrap_or_default(),
            page_size,
            page_token,
        })
    }
}

/// The names of the people `requests` name, asked of identity as the caller.
async fn names<S: ActsFor>(
    call: &Call<S>,
    requests: &[pb::CustomerRequest],
) -> Result<(HashMap<String, String>, HashMap<String, identity::Customer>), ApiError> {
    let mut staff = BTreeSet::new();
    let mut customers = BTreeSet::new();
    for r in requests {
        customers.insert(r.customer_id.clone());
        if !r.assignee_id.is_empty() {
            staff.insert(r.assignee_id.clone());
        }
        for m in &r.messages {
            match m.author_kind.as_str() {
                "staff" => staff.insert(m.author_id.clone()),
                _ => customers.insert(m.author_id.clone()),
            };
        }
    }
    let clients = &call.state.clients;
    let staff_request = call.session.request(identity::LookupStaffRequest {
        staff_ids: staff.into_iter().collect(),
    });
    let customer_request = call.session.request(identity::LookupCustomersRequest {
        customer_ids: customers.into_iter().collect(),
    });
    let mut staff_client = clients.customers.clone();
    let mut customer_client = clients.customers.clone();
    let (staff, customers) = tokio::try_join!(
        staff_client.lookup_staff(staff_request),
        customer_client.lookup_customers(customer_request)
    )?;
    let staff = staff
        .into_inner()
        .staff
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let customers = customers
        .into_inner()
        .customers
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    Ok((staff, customers))
}

/// The requests with their people's names.
pub async fn named<S: ActsFor>(
    call: &Call<S>,
    requests: Vec<pb::CustomerRequest>,
    whole: bool,
) -> Result<Vec<Request>, ApiError> {
    let (staff, customers) = names(call, &requests).await?;
    let staff_name = |id: &str| staff.get(id).cloned().unwrap_or_default();
    Ok(requests
        .into_iter()
        .map(|r| {
            let customer = customers.get(&r.customer_id);
            let messages = whole.then(|| {
                r.messages
                    .into_iter()
                    .map(|m| Message {
                        author: Author {
                            name: match m.author_kind.as_str() {
                                "staff" => staff_name(&m.author_id),
                                _ => customers
                                    .get(&m.author_id)
                                    .map(|c| c.name.clone())
                                    .unwrap_or_default(),
                            },
                            id: text(&m.author_id).map(Id),
                            kind: m.author_kind,
                        },
                        id: m.id.into(),
                        body: m.body,
                        internal: m.internal,
                        created_at: time(m.created_at.as_ref()),
                    })
                    .collect()
            });
            Request {
                id: r.id.into(),
                number: r.number,
                request_type: r.r#type,
                category: r.category,
                title: r.title,
                description: r.description,
                priority: r.priority,
                status: r.status,
                customer: RequestCustomer {
                    name: customer.map(|c| c.name.clone()).unwrap_or_default(),
                    company: customer.map(|c| c.company.clone()).unwrap_or_default(),
                    id: r.customer_id.into(),
                },
                project_id: text(&r.project_id).map(Id),
                assignee: text(&r.assignee_id).map(|id| Person {
                    name: staff_name(&id),
                    id: Id(id),
                }),
                created_at: time(r.created_at.as_ref()),
                updated_at: time(r.updated_at.as_ref()),
                first_response_at: time(r.first_response_at.as_ref()),
                closed_at: time(r.closed_at.as_ref()),
                messages,
            }
        })
        .collect())
}

/// One request with its thread.
pub async fn one<S: ActsFor>(
    call: &Call<S>,
    response: pb::RequestResponse,
) -> Result<Request, ApiError> {
    let request = response.request.unwrap_or_default();
    let mut named = named(call, vec![request], true).await?;
    Ok(named.pop().expect("one request in, one out"))
}
