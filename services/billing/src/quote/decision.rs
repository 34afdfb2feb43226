//! The customer's decision on a quote: accepted with a typed name, or declined, once.
//! Whether the quote is still open is checked by the statement that records it, so of
//! two racing decisions one wins and the other is `QUOTE_NOT_OPEN`; a quote past
//! `valid_until` is `QUOTE_EXPIRED`. The evidence kept: who, when, the client address and
//! user agent, the channel, and the SHA-256 of the content the customer was shown.

use atrium_common::auth::Principal;
use uuid::Uuid;

use super::store::{self, Decide, DecisionRow};
use super::{QuoteView, Status, find};
use crate::AppState;
use crate::error::BillingError;
use crate::notices;

/// Where the decision was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Signed in to the portal.
    Portal,
    /// Through an emailed link (the link's id).
    Link(Uuid),
}

/// A decision as the customer sent it, with where it came from.
#[derive(Debug, Clone)]
pub struct Decision {
    pub accept: bool,
    /// The typed signature (required to accept).
    pub name: String,
    /// A comment on accepting, the reason on declining.
    pub comment: String,
    pub ip: String,
    pub user_agent: String,
    pub channel: Channel,
}

const MAX_NAME: usize = 200;
const MAX_COMMENT: usize = 2000;
const MAX_USER_AGENT: usize = 500;

/// Records `decision` on the customer's own quote `id`.
pub async fn decide(
    state: &AppState,
    customer: &Principal,
    id: &str,
    decision: Decision,
) -> Result<QuoteView, BillingError> {
    let name = decision.name.trim().to_owned();
    if decision.accept && (name.is_empty() || name.chars().count() > MAX_NAME) {
        return Err(BillingError::field(
            "name",
            "is required to accept: your full name, at most 200 characters",
        ));
    }
    let comment = decision.comment.trim().to_owned();
    if comment.chars().count() > MAX_COMMENT {
        let field = if decision.accept { "comment" } else { "reason" };
        return Err(BillingError::field(
            field,
            "must be at most 2000 characters",
        ));
    }
    let customer_id = customer.customer_id();
    let shown = find(state, customer.org_id, Some(customer_id), id).await?;
    let now = state.clock.now();
    let (channel, link_id) = match decision.channel {
        Channel::Portal => ("portal", None),
        Channel::Link(link) => ("link", Some(link)),
    };
    let recorded = DecisionRow {
        decision_name: (!name.is_empty()).then_some(name),
        decision_comment: (!comment.is_empty()).then_some(comment),
        decided_at: Some(now),
        decision_ip: Some(decision.ip),
        decision_user_agent: Some(decision.user_agent.chars().take(MAX_USER_AGENT).collect()),
        decision_channel: Some(channel.to_owned()),
        decision_link_id: link_id,
        decision_content_sha256: Some(shown.content_sha256()),
        decided_by: Some(customer.subject_id),
    };
    let status = if decision.accept {
        Status::Accepted
    } else {
        Status::Declined
    };
    let change = Decide {
        status,
        decision: &recorded,
        today: now.date_naive(),
    };
    let key = (customer.org_id, customer_id, shown.row.quote_id);
    let team = notices::managers(state, customer, None).await?;
    let (word, kind) = if decision.accept {
        ("accepted", "quote_accepted")
    } else {
        ("declined", "quote_declined")
    };
    let number = shown.row.number.clone().unwrap_or_default();
    let who = shown.row.customer.customer_name.clone();
    let notice = notices::StaffNotice {
        kind,
        title: format!("Quote {number} {word} by {who}"),
        link: format!("/admin/quotes/{}", shown.row.quote_id),
        key: format!("quote_decided:{}", shown.row.quote_id),
        params: serde_json::json!({ "quote_number": number, "customer": who }),
    };
    let mut tx = state.db.begin().await?;
    if !store::decide(&mut tx, key, &change).await? {
        drop(tx);
        let now_reads = find(state, customer.org_id, Some(customer_id), id).await?;
        return Err(if now_reads.status == "expired" {
            BillingError::QuoteExpired
        } else {
            BillingError::QuoteNotOpen
        });
    }
    notices::to_staff(&mut tx, customer.org_id, &team, &notice, now).await?;
    crate::summary::publish(&mut tx, (customer.org_id, customer_id), now).await?;
    tx.commit().await?;
    state.relay.wake();
    let mut row = shown.row;
    (row.status, row.decision, row.updated_at) = (status, recorded, now);
    QuoteView::new(row, shown.lines, now.date_naive())
}
