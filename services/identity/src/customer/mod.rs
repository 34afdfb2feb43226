//! Customers of an organization: their accounts as staff manage them (`accounts`),
//! invitations (`invitations`), sign-in and the session behind the cookie (`sessions`),
//! each with its store.

pub mod accounts;
pub mod invitation_store;
pub mod invitations;
pub mod no_account;
pub mod portal_access;
pub mod session_store;
pub mod sessions;
pub mod store;

use atrium_common::db::Tx;
use atrium_common::ids::{CustomerId, CustomerSessionId, InvitationId, OrgId, StaffId};
use chrono::{DateTime, Utc};

use crate::AppState;
use crate::credentials::tokens::Redeemed;
use crate::credentials::{Account, Holder, Key, Purpose};
use crate::customer::store as customer_store;
use crate::error::IdentityError;
use crate::mail::Recipient;
use crate::session_cache::{Revocation, Revoking};

atrium_common::text_enum! {
    /// Where a customer account stands.
    pub enum CustomerStatus {
        /// No portal access: billed, sent links, assignable; never mailed an
        /// invitation until staff invite them.
        NoAccount = "no_account",
        /// Invited, no password set yet (assignable already).
        Invited = "invited",
        Active = "active",
        Deactivated = "deactivated",
        /// Erased on request: the row stays as a tombstone without personal data.
        Erased = "erased",
    }
}

atrium_common::text_enum! {
    /// Where an invitation stands.
    pub enum InvitationStatus {
        Pending = "pending",
        Accepted = "accepted",
        Cancelled = "cancelled",
    }
}

/// A customer of an organization.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Customer {
    pub customer_id: CustomerId,
    pub org_id: OrgId,
    pub email: String,
    pub email_normalized: String,
    pub name: String,
    pub company: String,
    pub phone: String,
    pub address: String,
    pub locale: String,
    #[sqlx(try_from = "String")]
    pub status: CustomerStatus,
    pub password_hash: Option<String>,
    /// Part of every session: moving it ends all of them on their next request.
    pub epoch: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// One of the organization's staff, shown on the customer's dashboard.
    pub account_manager_id: Option<StaffId>,
}

/// An invitation of a customer (its link is a one-time token of the credential core).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Invitation {
    pub invitation_id: InvitationId,
    pub org_id: OrgId,
    pub customer_id: CustomerId,
    #[sqlx(try_from = "String")]
    pub status: InvitationStatus,
    pub expires_at: DateTime<Utc>,
    pub invited_by: Option<StaffId>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A customer's session behind the cookie (only the token's hash is kept).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CustomerSession {
    pub customer_session_id: CustomerSessionId,
    pub org_id: OrgId,
    pub customer_id: CustomerId,
    pub token_hash: Vec<u8>,
    pub epoch: i64,
    pub ip: String,
    pub user_agent: String,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A pending invitation with its customer's email, for the staff list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingInvitation {
    pub invitation_id: InvitationId,
    pub customer_id: CustomerId,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub status: InvitationStatus,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl Account for Customer {
    const HOLDER: Holder = Holder::Customer;

    fn key(&self) -> Key<'_> {
        Key {
            org_id: self.org_id,
            id: self.customer_id.0,
            password_hash: self.password_hash.as_deref(),
            active: self.status == CustomerStatus::Active,
        }
    }

    fn recipient(&self) -> Recipient<'_> {
        self.into()
    }

    async fn find_by_email(
        state: &AppState,
        org_id: OrgId,
        email: &str,
    ) -> Result<Option<Customer>, IdentityError> {
        customer_store::find_customer_by_email(&state.db, org_id, email).await
    }

    async fn set_password(
        tx: &mut Tx,
        redeemed: Redeemed,
        purpose: Purpose,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Customer>, IdentityError> {
        let (org_id, customer_id) = (redeemed.org_id, CustomerId(redeemed.holder_id));
        match purpose {
            Purpose::Invitation => {
                customer_store::activate_customer(tx, org_id, customer_id, password_hash, now).await
            }
            // A new password moves the epoch: every session ends.
            Purpose::Reset => {
                customer_store::reset_password(tx, org_id, customer_id, password_hash, now).await
            }
        }
    }

    async fn end_sessions(
        &self,
        state: &AppState,
        tx: &mut Tx,
        now: DateTime<Utc>,
    ) -> Result<Option<Revoking>, IdentityError> {
        let new_epoch = Revocation::Epoch {
            customer_id: self.customer_id,
            epoch: self.epoch,
        };
        Ok(Some(state.sessions.revoke(tx, new_epoch, now).await?))
    }
}
