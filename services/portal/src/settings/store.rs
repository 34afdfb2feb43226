//! The SQL of the organization's settings (one document).

use atrium_common::db::{Db, Tx};
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::on_tx;
use atrium_common::settings::OrgSettings;
use chrono::{DateTime, Utc};

use crate::error::PortalError;
use crate::permissions::Overrides;
use atrium_common::sql;

/// One organization's settings as stored: its document and when it was saved.
#[derive(sqlx::FromRow)]
struct SettingsRow {
    document: String,
    updated_at: DateTime<Utc>,
}

/// An organization's saved settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub settings: OrgSettings,
    pub updated_at: DateTime<Utc>,
}

impl SettingsRow {
    fn decode(self) -> Result<Saved, PortalError> {
        let settings = serde_json::from_str(&self.document)
            .map_err(|err| anyhow::anyhow!("a stored settings document does not read: {err}"))?;
        Ok(Saved {
            settings,
            updated_at: self.updated_at,
        })
    }
}

/// The organization's saved settings; `None` while it has the defaults.
pub async fn find_settings(db: &Db, org_id: OrgId) -> Result<Option<Saved>, PortalError> {
    let row: Option<SettingsRow> = sql!(db db, query_as(
        "select document, updated_at from org_settings where org_id = $1"
    ) [org_id] fetch_optional)?;
    row.map(SettingsRow::decode).transpose()
}

/// The settings (`None` while the defaults) beside one customer's permission overrides
/// and billing's snapshot of them.
#[derive(sqlx::FromRow)]
struct StandingRow {
    document: Option<String>,
    updated_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    overrides: Overrides,
    billing: Option<String>,
    open_requests: i64,
    pending_approvals: i64,
}

/// What one statement reads for a customer's request: the organization's saved settings,
/// the customer's overrides and billing's snapshot of them (the dashboard's section).
pub struct Standing {
    pub saved: Option<Saved>,
    pub overrides: Overrides,
    pub billing: Option<String>,
    /// The dashboard's counts (zero unless counted).
    pub counts: Counts,
}

/// What the dashboard counts in the statement that reads the settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// The customer's open and in-progress requests.
    pub open_requests: i64,
    /// The pending approvals of the projects assigned to the customer.
    pub pending_approvals: i64,
}

/// The organization's saved settings, one customer's overrides and billing's snapshot,
/// in one statement: a customer route that checks a permission reads the database once.
pub async fn find_standing(
    db: &Db,
    org_id: OrgId,
    customer_id: CustomerId,
) -> Result<Standing, PortalError> {
    standing(db, (org_id, customer_id), false).await
}

/// As [`find_standing`], with the dashboard's counts in the same statement.
pub async fn find_standing_counted(
    db: &Db,
    org_id: OrgId,
    customer_id: CustomerId,
) -> Result<Standing, PortalError> {
    standing(db, (org_id, customer_id), true).await
}

async fn standing(
    db: &Db,
    (org_id, customer_id): (OrgId, CustomerId),
    counted: bool,
) -> Result<Standing, PortalError> {
    let row: StandingRow = if counted {
        sql!(db db, query_as(
            "select s.document, s.updated_at, p.can_view_invoices, p.can_approve_work, \
             p.can_add_comments, p.can_submit_requests, b.document as billing, \
             (select count(*) from customer_request r where r.org_id = $1 \
              and r.customer_id = $2 and r.status in ('open', 'in_progress')) as open_requests, \
             (select count(*) from approval a where a.org_id = $1 and a.status = 'pending' \
              and exists (select 1 from assignment g where g.org_id = $1 \
              and g.customer_id = $2 and g.project_id = a.project_id)) as pending_approvals \
             from (select 1 as one) k \
             left join org_settings s on s.org_id = $1 \
             left join customer_permission p on p.org_id = $1 and p.customer_id = $2 \
             left join billing_snapshot b on b.org_id = $1 and b.customer_id = $2"
        ) [org_id, customer_id] fetch_one)?
    } else {
        sql!(db db, query_as(
            "select s.document, s.updated_at, p.can_view_invoices, p.can_approve_work, \
             p.can_add_comments, p.can_submit_requests, b.document as billing, \
             cast(0 as bigint) as open_requests, cast(0 as bigint) as pending_approvals \
             from (select 1 as one) k \
             left join org_settings s on s.org_id = $1 \
             left join customer_permission p on p.org_id = $1 and p.customer_id = $2 \
             left join billing_snapshot b on b.org_id = $1 and b.customer_id = $2"
        ) [org_id, customer_id] fetch_one)?
    };
    let saved = match row.document.zip(row.updated_at) {
        Some((document, updated_at)) => Some(
            SettingsRow {
                document,
                updated_at,
            }
            .decode()?,
        ),
        None => None,
    };
    Ok(Standing {
        saved,
        overrides: row.overrides,
        billing: row.billing,
        counts: Counts {
            open_requests: row.open_requests,
            pending_approvals: row.pending_approvals,
        },
    })
}

/// Takes the organization's settings for this transaction, writing the defaults first
/// when it has none (a write first: SQLite takes its write lock, PostgreSQL the row's).
pub async fn lock_settings(
    tx: &mut Tx,
    org_id: OrgId,
    now: DateTime<Utc>,
) -> Result<OrgSettings, PortalError> {
    let defaults = encode(&OrgSettings::default());
    let row: SettingsRow = on_tx!(tx, |conn| {
        sqlx::query(
            "insert into org_settings (org_id, document, updated_at) values ($1, $2, $3) \
             on conflict (org_id) do update set org_id = excluded.org_id",
        )
        .bind(org_id)
        .bind(&defaults)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        sqlx::query_as("select document, updated_at from org_settings where org_id = $1")
            .bind(org_id)
            .fetch_one(conn)
            .await
    })?;
    Ok(row.decode()?.settings)
}

pub async fn save_settings(
    tx: &mut Tx,
    org_id: OrgId,
    settings: &OrgSettings,
    now: DateTime<Utc>,
) -> Result<(), PortalError> {
    let document = encode(settings);
    sql!(tx tx, query(
        "update org_settings set document = $2, updated_at = $3 where org_id = $1"
    ) [org_id, &document, now] execute)
    .map(drop)?;
    Ok(())
}

fn encode(settings: &OrgSettings) -> String {
    serde_json::to_string(settings).expect("settings serialize")
}
