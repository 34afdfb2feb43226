//! Gap-free document numbers per organization, series and year (`INV-2026-0001`): taken
//! in the transaction that issues the document, from a counter row that transaction
//! holds locked (PostgreSQL's row lock, SQLite's write lock), so a rolled-back issue
//! gives its number back and two issues at once never share one.

use atrium_common::db::Tx;
use atrium_common::ids::OrgId;
use atrium_common::sql;
use chrono::{Datelike, NaiveDate};

atrium_common::text_enum! {
    /// A numbering series: its prefix.
    pub enum Series {
        Invoice = "INV",
        Quote = "Q",
        CreditNote = "CN",
        Order = "SO",
    }
}

/// The next number of `series` in the year of `date`.
pub async fn take(
    tx: &mut Tx,
    org_id: OrgId,
    series: Series,
    date: NaiveDate,
) -> Result<String, sqlx::Error> {
    let year = date.year();
    let value: i64 = sql!(tx tx, query_scalar(
        "insert into number_counter (org_id, series, year, last_value) values ($1, $2, $3, 1) \
         on conflict (org_id, series, year) \
         do update set last_value = number_counter.last_value + 1 \
         returning last_value"
    ) [org_id, series.as_str(), year] fetch_one)?;
    Ok(format!("{}-{year}-{value:04}", series.as_str()))
}
