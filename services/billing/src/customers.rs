//! The customer a document is for, asked of identity as the staff member making it: one
//! of the organization's customers, whose billing details the document snapshots.

use atrium_common::auth::Principal;
use atrium_common::ids::CustomerId;
use atrium_proto::identity::v1 as identity;

use crate::AppState;
use crate::error::BillingError;
use crate::invoice::store::Snapshot;

/// The customer of `text`'s id, their details now and the organization's name (for
/// mails); not a UUID, another organization's or no customer is a 422 naming
/// `customer_id`.
pub async fn snapshot(
    state: &AppState,
    principal: &Principal,
    text: &str,
) -> Result<(CustomerId, Snapshot, String), BillingError> {
    let (id, snapshot, org_name, _) = addressed(state, principal, text).await?;
    Ok((id, snapshot, org_name))
}

/// As [`snapshot`], and whether the customer has portal access (not `no_account`):
/// only then does issuing a document mail them and notify them in-app; one without an
/// account gets their documents by link.
pub async fn addressed(
    state: &AppState,
    principal: &Principal,
    text: &str,
) -> Result<(CustomerId, Snapshot, String, bool), BillingError> {
    let customer_id = CustomerId::parse(text)
        .ok_or_else(|| BillingError::field("customer_id", "must be a UUID"))?;
    let request = principal.request(identity::LookupCustomersRequest {
        customer_ids: vec![customer_id.to_string()],
    });
    let found = state
        .customers
        .clone()
        .lookup_customers(request)
        .await
        .map_err(BillingError::Identity)?
        .into_inner();
    let org_name = found.organization.map(|o| o.name).unwrap_or_default();
    let customer = found
        .customers
        .into_iter()
        .find(|c| c.id == customer_id.to_string())
        .ok_or_else(|| {
            BillingError::field("customer_id", "is not one of this organization's customers")
        })?;
    let portal = customer.status != "no_account";
    let snapshot = Snapshot {
        customer_name: customer.name,
        customer_email: customer.email,
        customer_company: customer.company,
        customer_address: customer.address,
        customer_locale: customer.locale,
    };
    Ok((customer_id, snapshot, org_name, portal))
}

/// Whether `customer_id` is one of the organization's customers, asked as `principal`
/// (a path id that is not is 404).
pub async fn exists(
    state: &AppState,
    principal: &Principal,
    customer_id: CustomerId,
) -> Result<bool, BillingError> {
    let request = principal.request(identity::CustomerRequest {
        customer_id: customer_id.to_string(),
    });
    match state.customers.clone().get_customer(request).await {
        Ok(_) => Ok(true),
        Err(status) if status.code() == tonic::Code::NotFound => Ok(false),
        Err(status) => Err(BillingError::Identity(status)),
    }
}

/// Whether the organization has this customer, or had them: an erased customer's ledger
/// stays readable (bookkeeping law), and it is found in the organization's own rows.
pub async fn known(
    state: &AppState,
    principal: &Principal,
    customer_id: CustomerId,
) -> Result<bool, BillingError> {
    if exists(state, principal, customer_id).await? {
        return Ok(true);
    }
    let booked = crate::ledger::store::balances(&state.db, principal.org_id, customer_id).await?;
    Ok(!booked.is_empty())
}
