//! `Idempotency-Key` for the routes that book money: the key is claimed in the booking's
//! own transaction with the SHA-256 of the request, so a retry with the same body
//! answers what the first booked (a racing twin waits on the claim and then replays),
//! and the same key with another body is `IDEMPOTENCY_KEY_REUSED`.

use atrium_common::db::Tx;
use atrium_common::ids::OrgId;
use atrium_common::sql;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::BillingError;

/// A checked key and the digest of the request it came with.
pub struct Claim {
    pub key: String,
    pub operation: &'static str,
    pub request_sha256: String,
}

impl Claim {
    /// `key` (1–255 characters, else 422 naming `idempotency_key`) for `operation`, over
    /// the request's canonical `parts`.
    pub fn new(key: &str, operation: &'static str, parts: &[&str]) -> Result<Claim, BillingError> {
        let length = key.chars().count();
        if !(1..=255).contains(&length) {
            return Err(BillingError::field(
                "idempotency_key",
                "is required: an Idempotency-Key header of 1 to 255 characters",
            ));
        }
        let mut hash = Sha256::new();
        for part in parts {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part.as_bytes());
        }
        let request_sha256 = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Ok(Claim {
            key: key.to_owned(),
            operation,
            request_sha256,
        })
    }
}

/// Claims the key in `tx`: `None` when it is new (book, then [`record`]), or the id the
/// first request booked.
pub async fn claim(
    tx: &mut Tx,
    org_id: OrgId,
    claim: &Claim,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, BillingError> {
    let inserted = sql!(tx tx, query(
        "insert into idempotency_key (org_id, idempotency_key, operation, request_sha256, \
         booked_id, created_at) values ($1, $2, $3, $4, null, $5) \
         on conflict (org_id, idempotency_key) do nothing"
    ) [org_id, &claim.key, claim.operation, &claim.request_sha256, now] execute)?;
    if inserted == 1 {
        return Ok(None);
    }
    let (operation, digest, booked): (String, String, Option<Uuid>) = sql!(tx tx, query_as::<_, (String, String, Option<Uuid>)>(
        "select operation, request_sha256, booked_id from idempotency_key \
         where org_id = $1 and idempotency_key = $2"
    ) [org_id, &claim.key] fetch_one)?;
    match booked {
        Some(id) if operation == claim.operation && digest == claim.request_sha256 => Ok(Some(id)),
        _ => Err(BillingError::IdempotencyKeyReused),
    }
}

/// Keeps what the claimed key booked, in the booking's transaction.
pub async fn record(
    tx: &mut Tx,
    org_id: OrgId,
    claim: &Claim,
    booked: Uuid,
) -> Result<(), sqlx::Error> {
    sql!(tx tx, query(
        "update idempotency_key set booked_id = $3 where org_id = $1 and idempotency_key = $2"
    ) [org_id, &claim.key, booked] execute)
    .map(drop)
}
