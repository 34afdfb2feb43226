//! The SQL of customer invitations (their tokens are the credential core's).

use atrium_common::db::{Db, Tx};
use atrium_common::ids::{CustomerId, InvitationId, OrgId};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Invitation, PendingInvitation};
use crate::error::IdentityError;
use atrium_common::sql;

macro_rules! invitation_columns {
    () => {
        "invitation_id, org_id, customer_id, status, expires_at, invited_by, accepted_at, \
         created_at, updated_at"
    };
}

macro_rules! pending_select {
    ($tail:literal) => {
        concat!(
            "select i.invitation_id, i.customer_id, c.email, i.status, i.expires_at, i.created_at \
             from customer_invitation i join customer c on c.customer_id = i.customer_id and c.org_id = i.org_id ",
            $tail
        )
    };
}

pub async fn insert_invitation(tx: &mut Tx, row: &Invitation) -> Result<(), IdentityError> {
    sql!(tx tx, query(
        concat!(
            "insert into customer_invitation (",
            invitation_columns!(),
            ") values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        )
    ) [
        row.invitation_id, row.org_id, row.customer_id, row.status.as_str(), row.expires_at,
        row.invited_by, row.accepted_at, row.created_at, row.updated_at,
    ] execute)?;
    Ok(())
}

/// The customer's pending invitation, if any (expired ones included: resend revives them).
pub async fn find_pending_invitation(
    db: &Db,
    org_id: OrgId,
    customer_id: CustomerId,
) -> Result<Option<Invitation>, IdentityError> {
    Ok(sql!(db db, query_as(
        concat!(
            "select ",
            invitation_columns!(),
            " from customer_invitation where org_id = $1 and customer_id = $2 and status = 'pending'"
        )
    ) [org_id, customer_id] fetch_optional)?)
}

/// Marks the customer's pending invitation accepted (its token was just used).
pub async fn accept_invitation(
    tx: &mut Tx,
    org_id: OrgId,
    customer_id: CustomerId,
    now: DateTime<Utc>,
) -> Result<Option<Invitation>, IdentityError> {
    Ok(sql!(tx tx, query_as(
        concat!(
            "update customer_invitation set status = 'accepted', accepted_at = $3, updated_at = $3 \
             where org_id = $1 and customer_id = $2 and status = 'pending' returning ",
            invitation_columns!()
        )
    ) [org_id, customer_id, now] fetch_optional)?)
}

/// One page of an org's pending invitations, newest first.
pub async fn list_pending_invitations(
    db: &Db,
    org_id: OrgId,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<PendingInvitation>, IdentityError> {
    let (before_at, before_id) = before.unzip();
    Ok(sql!(db db, query_as(
        pending_select!(
            "where i.org_id = $1 and i.status = 'pending' \
             and ($2 is null or i.created_at < $2 or (i.created_at = $2 and i.invitation_id < $3)) \
             order by i.created_at desc, i.invitation_id desc limit $4"
        )
    ) [org_id, before_at, before_id, limit] fetch_all)?)
}

/// Gives a pending invitation a new expiry (its new token's).
pub async fn renew_invitation(
    tx: &mut Tx,
    org_id: OrgId,
    invitation_id: InvitationId,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<Invitation>, IdentityError> {
    Ok(sql!(tx tx, query_as(
        concat!(
            "update customer_invitation set expires_at = $3, updated_at = $4 \
             where org_id = $1 and invitation_id = $2 and status = 'pending' returning ",
            invitation_columns!()
        )
    ) [org_id, invitation_id, expires_at, now] fetch_optional)?)
}

/// Cancels a pending invitation; answers its customer if there was one.
pub async fn cancel_invitation(
    tx: &mut Tx,
    org_id: OrgId,
    invitation_id: InvitationId,
    now: DateTime<Utc>,
) -> Result<Option<CustomerId>, IdentityError> {
    Ok(sql!(tx tx, query_scalar(
        "update customer_invitation set status = 'cancelled', updated_at = $3 \
         where org_id = $1 and invitation_id = $2 and status = 'pending' returning customer_id"
    ) [org_id, invitation_id, now] fetch_optional)?)
}
