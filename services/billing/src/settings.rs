//! The seller's details printed on every document, and the payment terms a new invoice
//! gets when it names none. An organization without a row has the defaults.

use atrium_common::auth::Principal;
use atrium_common::db::Db;
use atrium_common::ids::OrgId;
use atrium_common::sql;
use chrono::{DateTime, Utc};

use crate::AppState;
use crate::error::BillingError;

/// The organization's billing settings.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BillingSettings {
    pub legal_name: String,
    pub address: String,
    pub vat_id: String,
    pub payment_instructions: String,
    pub payment_terms_days: i32,
}

impl Default for BillingSettings {
    fn default() -> BillingSettings {
        BillingSettings {
            legal_name: String::new(),
            address: String::new(),
            vat_id: String::new(),
            payment_instructions: String::new(),
            payment_terms_days: 30,
        }
    }
}

/// Changes to make; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub legal_name: Option<String>,
    pub address: Option<String>,
    pub vat_id: Option<String>,
    pub payment_instructions: Option<String>,
    pub payment_terms_days: Option<i32>,
}

async fn find(db: &Db, org_id: OrgId) -> Result<Option<BillingSettings>, sqlx::Error> {
    sql!(db db, query_as::<_, BillingSettings>(
        "select legal_name, address, vat_id, payment_instructions, payment_terms_days \
         from billing_settings where org_id = $1"
    ) [org_id] fetch_optional)
}

async fn save(
    db: &Db,
    org_id: OrgId,
    s: &BillingSettings,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    sql!(db db, query(
        "insert into billing_settings (org_id, legal_name, address, vat_id, \
         payment_instructions, payment_terms_days, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7) \
         on conflict (org_id) do update set legal_name = excluded.legal_name, \
         address = excluded.address, vat_id = excluded.vat_id, \
         payment_instructions = excluded.payment_instructions, \
         payment_terms_days = excluded.payment_terms_days, updated_at = excluded.updated_at"
    ) [org_id, &s.legal_name, &s.address, &s.vat_id, &s.payment_instructions,
       s.payment_terms_days, now] execute)
}

/// The organization's settings (the defaults until first saved).
pub async fn load(state: &AppState, org_id: OrgId) -> Result<BillingSettings, BillingError> {
    Ok(find(&state.db, org_id).await?.unwrap_or_default())
}

fn text(value: String, field: &str, max: usize) -> Result<String, BillingError> {
    let value = value.trim().to_owned();
    if value.chars().count() > max {
        return Err(BillingError::InvalidField {
            field: field.to_owned(),
            problem: "is too long",
        });
    }
    Ok(value)
}

/// Applies `changes`, each checked, and answers the settings as saved.
pub async fn update(
    state: &AppState,
    principal: &Principal,
    changes: Changes,
) -> Result<BillingSettings, BillingError> {
    let mut s = load(state, principal.org_id).await?;
    if let Some(v) = changes.legal_name {
        s.legal_name = text(v, "legal_name", 200)?;
    }
    if let Some(v) = changes.address {
        s.address = text(v, "address", 1000)?;
    }
    if let Some(v) = changes.vat_id {
        s.vat_id = text(v, "vat_id", 50)?;
    }
    if let Some(v) = changes.payment_instructions {
        s.payment_instructions = text(v, "payment_instructions", 2000)?;
    }
    if let Some(days) = changes.payment_terms_days {
        if !(0..=3650).contains(&days) {
            return Err(BillingError::field(
                "payment_terms_days",
                "must be from 0 to 3650",
            ));
        }
        s.payment_terms_days = days;
    }
    save(&state.db, principal.org_id, &s, state.clock.now()).await?;
    Ok(s)
}
