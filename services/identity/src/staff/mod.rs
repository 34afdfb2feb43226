//! Staff members of an organization: their accounts (`store`), sign-in and the
//! server-side session every staff token names (`sessions`), management by other staff
//! (`members`) and their own account (`account`).

pub mod account;
pub mod members;
pub mod session_store;
pub mod sessions;
pub mod store;

use atrium_common::db::Tx;
use atrium_common::ids::{OrgId, StaffId, StaffSessionId};
use atrium_common::roles::Role;
use chrono::{DateTime, Utc};

use crate::AppState;
use crate::credentials::tokens::Redeemed;
use crate::credentials::{Account, Holder, Key, Purpose};
use crate::error::IdentityError;
use crate::mail::Recipient;
use crate::session_cache::Revoking;
use crate::staff::store as staff_store;

atrium_common::text_enum! {
    /// Where a staff account stands.
    pub enum StaffStatus {
        /// Invited, no password set yet.
        Invited = "invited",
        Active = "active",
        Deactivated = "deactivated",
    }
}

/// A staff member.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffMember {
    pub staff_id: StaffId,
    pub org_id: OrgId,
    pub email: String,
    pub email_normalized: String,
    pub name: String,
    pub title: String,
    pub phone: String,
    /// `en`, `de`, or empty (the organization's default).
    pub locale: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    #[sqlx(try_from = "String")]
    pub status: StaffStatus,
    pub password_hash: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A staff member's server-side session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffSession {
    pub staff_session_id: StaffSessionId,
    pub org_id: OrgId,
    pub staff_id: StaffId,
    pub ip: String,
    pub user_agent: String,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Account for StaffMember {
    const HOLDER: Holder = Holder::Staff;

    fn key(&self) -> Key<'_> {
        Key {
            org_id: self.org_id,
            id: self.staff_id.0,
            password_hash: self.password_hash.as_deref(),
            active: self.status == StaffStatus::Active,
        }
    }

    fn recipient(&self) -> Recipient<'_> {
        self.into()
    }

    async fn find_by_email(
        state: &AppState,
        org_id: OrgId,
        email: &str,
    ) -> Result<Option<StaffMember>, IdentityError> {
        staff_store::find_staff_by_email(&state.db, org_id, email).await
    }

    async fn set_password(
        tx: &mut Tx,
        redeemed: Redeemed,
        purpose: Purpose,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<StaffMember>, IdentityError> {
        let from_status = match purpose {
            Purpose::Invitation => StaffStatus::Invited,
            Purpose::Reset => StaffStatus::Active,
        };
        let (org_id, staff_id) = (redeemed.org_id, StaffId(redeemed.holder_id));
        staff_store::set_staff_password(tx, org_id, staff_id, password_hash, from_status, now).await
    }

    async fn end_sessions(
        &self,
        _state: &AppState,
        tx: &mut Tx,
        now: DateTime<Utc>,
    ) -> Result<Option<Revoking>, IdentityError> {
        session_store::end_staff_sessions(tx, self.org_id, self.staff_id, None, now).await?;
        Ok(None)
    }
}
