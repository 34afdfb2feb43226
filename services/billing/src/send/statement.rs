//! What sending a statement tells: the customer's statement for a period in one
//! currency, its closing balance and the period, named on the link as
//! `from/to/currency` (the owner checks a holder's call against it).

use atrium_common::auth::{Principal, SubjectKind};
use atrium_common::ids::CustomerId;
use uuid::Uuid;

use super::Outgoing;
use crate::AppState;
use crate::access::statement_extra;
use crate::customers;
use crate::error::BillingError;
use crate::ledger;

/// The statement of customer `id` for the period and currency `extra` names, as staff
/// send it (the customer must be the organization's) or as its holder asks again.
pub(super) async fn outgoing(
    state: &AppState,
    by: &Principal,
    id: Uuid,
    extra: &str,
) -> Result<Outgoing, BillingError> {
    let customer_id = CustomerId(id);
    let theirs = match by.kind {
        SubjectKind::Customer => by.subject_id == id,
        _ => customers::known(state, by, customer_id).await?,
    };
    if !theirs {
        return Err(BillingError::CustomerNotFound);
    }
    let mut parts = extra.splitn(3, '/');
    let (from, to, currency) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let found =
        ledger::statement::statement(state, (by.org_id, customer_id), (from, to), currency).await?;
    let canonical = statement_extra(
        &found.from.to_string(),
        &found.to.to_string(),
        &found.currency,
    );
    Ok(Outgoing {
        customer_id,
        currency: found.currency,
        total: found.closing_balance,
        number: String::new(),
        dates: vec![("from", found.from), ("to", found.to)],
        extra: canonical,
    })
}
