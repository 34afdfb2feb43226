//! `GET /api/admin/requests/stats`: for a period (days, both included, UTC), per type,
//! the requests opened and closed in it, and the median seconds to the first public
//! staff reply and to the close of those opened in it.

use atrium_common::auth::Principal;
use chrono::{Duration, NaiveDate};

use super::RequestType;
use super::store;
use crate::AppState;
use crate::error::PortalError;

/// The figures of one type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TypeStats {
    pub opened: i64,
    pub closed: i64,
    pub median_first_response_secs: Option<i64>,
    pub median_resolution_secs: Option<i64>,
}

fn day(field: &'static str, text: &str) -> Result<NaiveDate, PortalError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| PortalError::InvalidField {
        field,
        problem: "is required: a date YYYY-MM-DD",
    })
}

fn median(mut values: Vec<i64>) -> Option<i64> {
    values.sort_unstable();
    match values.len() {
        0 => None,
        n if n % 2 == 1 => Some(values[n / 2]),
        n => Some((values[n / 2 - 1] + values[n / 2]) / 2),
    }
}

/// The figures of `[from, to]` for each type, job then support.
pub async fn of(
    state: &AppState,
    staff: &Principal,
    (from, to): (&str, &str),
) -> Result<Vec<(RequestType, TypeStats)>, PortalError> {
    let (from, to) = (day("from", from)?, day("to", to)?);
    if to < from {
        return Err(PortalError::InvalidField {
            field: "to",
            problem: "must not be before from",
        });
    }
    if (to - from).num_days() > 366 {
        return Err(PortalError::InvalidField {
            field: "to",
            problem: "must be within 366 days of from",
        });
    }
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let end = (to + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let rows = store::in_period(&state.db, staff.org_id, (start, end)).await?;
    let within =
        |at: Option<chrono::DateTime<chrono::Utc>>| at.is_some_and(|at| at >= start && at < end);
    Ok([RequestType::Job, RequestType::Support]
        .into_iter()
        .map(|kind| {
            let mine: Vec<_> = rows.iter().filter(|r| r.request_type == kind).collect();
            let opened: Vec<_> = mine.iter().filter(|r| within(Some(r.created_at))).collect();
            let stats = TypeStats {
                opened: opened.len() as i64,
                closed: mine.iter().filter(|r| within(r.closed_at)).count() as i64,
                median_first_response_secs: median(
                    opened
                        .iter()
                        .filter_map(|r| Some((r.first_response_at? - r.created_at).num_seconds()))
                        .collect(),
                ),
                median_resolution_secs: median(
                    opened
                        .iter()
                        .filter_map(|r| Some((r.closed_at? - r.created_at).num_seconds()))
                        .collect(),
                ),
            };
            (kind, stats)
        })
        .collect())
}
