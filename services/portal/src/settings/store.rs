//! The SQL of the organization's settings and the per-customer permission overrides.

use atrium_common::db::{Db, Tx};
use atrium_common::{on_db, on_tx};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// One organization's settings, as stored (or the defaults, never stored yet).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SettingsRow {
    pub org_id: Uuid,
    pub feature_customer_portal: bool,
    pub feature_approvals: bool,
    pub feature_requests: bool,
    pub feature_documents: bool,
    pub feature_billing: bool,
    pub feature_gallery: bool,
    pub company_name: Option<String>,
    pub logo_url: Option<String>,
    pub primary_color: Option<String>,
    pub show_logo: bool,
    pub show_name: bool,
    pub sender_name: Option<String>,
    pub show_team_members: bool,
    pub default_locale: String,
    pub can_view_invoices: bool,
    pub can_approve_work: bool,
    pub can_add_comments: bool,
    pub can_submit_requests: bool,
    /// None while the organization has the defaults.
    pub updated_at: Option<DateTime<Utc>>,
}

/// The columns of [`SettingsRow`], in the order `bind_settings!` binds them.
macro_rules! settings_columns {
    () => {
        "org_id, feature_customer_portal, feature_approvals, feature_requests, \
         feature_documents, feature_billing, feature_gallery, company_name, logo_url, \
         primary_color, show_logo, show_name, sender_name, show_team_members, default_locale, \
         can_view_invoices, can_approve_work, can_add_comments, can_submit_requests, updated_at"
    };
}

/// A customer's overrides; `None` follows the organization's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct OverrideRow {
    pub can_view_invoices: Option<bool>,
    pub can_approve_work: Option<bool>,
    pub can_add_comments: Option<bool>,
    pub can_submit_requests: Option<bool>,
}

/// Binds every column of `$s` in `settings_columns!` order.
macro_rules! bind_settings {
    ($query:expr, $s:expr) => {
        $query
            .bind($s.org_id)
            .bind($s.feature_customer_portal)
            .bind($s.feature_approvals)
            .bind($s.feature_requests)
            .bind($s.feature_documents)
            .bind($s.feature_billing)
            .bind($s.feature_gallery)
            .bind(&$s.company_name)
            .bind(&$s.logo_url)
            .bind(&$s.primary_color)
            .bind($s.show_logo)
            .bind($s.show_name)
            .bind(&$s.sender_name)
            .bind($s.show_team_members)
            .bind(&$s.default_locale)
            .bind($s.can_view_invoices)
            .bind($s.can_approve_work)
            .bind($s.can_add_comments)
            .bind($s.can_submit_requests)
            .bind($s.updated_at.unwrap_or_default())
    };
}

pub async fn find_settings(db: &Db, org_id: Uuid) -> Result<Option<SettingsRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(concat!(
            "select ",
            settings_columns!(),
            " from org_settings where org_id = $1"
        ))
        .bind(org_id)
        .fetch_optional(pool)
        .await
    })
}

/// Takes the organization's settings row for this transaction, writing `defaults` first
/// when it has none (a write first: SQLite takes its write lock, PostgreSQL the row's).
pub async fn lock_settings(
    tx: &mut Tx,
    defaults: &SettingsRow,
) -> Result<SettingsRow, sqlx::Error> {
    on_tx!(tx, |conn| {
        bind_settings!(
            sqlx::query(concat!(
                "insert into org_settings (",
                settings_columns!(),
                ") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
                 $16, $17, $18, $19, $20) on conflict (org_id) do update set org_id = excluded.org_id"
            )),
            defaults
        )
        .execute(&mut *conn)
        .await?;
        sqlx::query_as(concat!(
            "select ",
            settings_columns!(),
            " from org_settings where org_id = $1"
        ))
        .bind(defaults.org_id)
        .fetch_one(conn)
        .await
    })
}

pub async fn update_settings(tx: &mut Tx, s: &SettingsRow) -> Result<(), sqlx::Error> {
    let sql = "update org_settings set feature_customer_portal = $2, feature_approvals = $3, \
         feature_requests = $4, feature_documents = $5, feature_billing = $6, \
         feature_gallery = $7, company_name = $8, logo_url = $9, primary_color = $10, \
         show_logo = $11, show_name = $12, sender_name = $13, show_team_members = $14, \
         default_locale = $15, can_view_invoices = $16, can_approve_work = $17, \
         can_add_comments = $18, can_submit_requests = $19, updated_at = $20 where org_id = $1";
    on_tx!(tx, |conn| {
        bind_settings!(sqlx::query(sql), s)
            .execute(conn)
            .await
            .map(drop)
    })
}

pub async fn find_overrides(
    db: &Db,
    org_id: Uuid,
    customer_id: Uuid,
) -> Result<Option<OverrideRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "select can_view_invoices, can_approve_work, can_add_comments, can_submit_requests \
             from customer_permission where org_id = $1 and customer_id = $2",
        )
        .bind(org_id)
        .bind(customer_id)
        .fetch_optional(pool)
        .await
    })
}

/// Replaces a customer's overrides (none at all: the row goes).
pub async fn put_overrides(
    tx: &mut Tx,
    org_id: Uuid,
    customer_id: Uuid,
    o: &OverrideRow,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if *o == OverrideRow::default() {
        return delete_overrides(tx, org_id, customer_id).await;
    }
    on_tx!(tx, |conn| {
        sqlx::query(
            "insert into customer_permission (customer_id, org_id, can_view_invoices, \
             can_approve_work, can_add_comments, can_submit_requests, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7) on conflict (customer_id) do update set \
             can_view_invoices = excluded.can_view_invoices, \
             can_approve_work = excluded.can_approve_work, \
             can_add_comments = excluded.can_add_comments, \
             can_submit_requests = excluded.can_submit_requests, \
             updated_at = excluded.updated_at",
        )
        .bind(customer_id)
        .bind(org_id)
        .bind(o.can_view_invoices)
        .bind(o.can_approve_work)
        .bind(o.can_add_comments)
        .bind(o.can_submit_requests)
        .bind(now)
        .execute(conn)
        .await
        .map(drop)
    })
}

pub async fn delete_overrides(
    tx: &mut Tx,
    org_id: Uuid,
    customer_id: Uuid,
) -> Result<(), sqlx::Error> {
    on_tx!(tx, |conn| {
        sqlx::query("delete from customer_permission where org_id = $1 and customer_id = $2")
            .bind(org_id)
            .bind(customer_id)
            .execute(conn)
            .await
            .map(drop)
    })
}
