//! The aging report: what is owed on open invoices, per customer and currency, by days
//! past due on a given day, with the organization's totals per currency.

use std::collections::{BTreeMap, HashMap};

use atrium_common::ids::{CustomerId, OrgId};
use chrono::NaiveDate;

use super::aging;
use super::store::{self, Snapshot};
use crate::AppState;
use crate::error::BillingError;
use crate::money;

/// Open amounts in the report's five buckets and their sum.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Buckets {
    pub current: i64,
    pub d1_30: i64,
    pub d31_60: i64,
    pub d61_90: i64,
    pub d90_plus: i64,
    pub total: i64,
}

impl Buckets {
    fn add(&mut self, bucket: &str, amount: i64) {
        let slot = match bucket {
            "current" => &mut self.current,
            "1-30" => &mut self.d1_30,
            "31-60" => &mut self.d31_60,
            "61-90" => &mut self.d61_90,
            _ => &mut self.d90_plus,
        };
        *slot += amount;
        self.total += amount;
    }
}

/// One customer's open amounts in one currency.
#[derive(Debug, Clone)]
pub struct CustomerAging {
    pub customer_id: CustomerId,
    pub customer: Snapshot,
    pub currency: String,
    pub buckets: Buckets,
}

pub struct AgingReport {
    pub as_of: NaiveDate,
    pub rows: Vec<CustomerAging>,
    /// Per currency.
    pub totals: BTreeMap<String, Buckets>,
}

/// The report on `as_of` (today when `None`).
pub async fn aging_report(
    state: &AppState,
    org_id: OrgId,
    as_of: Option<NaiveDate>,
) -> Result<AgingReport, BillingError> {
    let as_of = as_of.unwrap_or_else(|| state.clock.now().date_naive());
    let mut rows: Vec<CustomerAging> = Vec::new();
    let mut totals: BTreeMap<String, Buckets> = BTreeMap::new();
    let mut seen: HashMap<(CustomerId, String), usize> = HashMap::new();
    for invoice in store::open(&state.db, org_id).await? {
        let due = money::amount_due(invoice.total, invoice.amount_credited, invoice.amount_paid);
        let (_, bucket) = aging(invoice.due_date, due, as_of);
        let key = (invoice.customer_id, invoice.currency.clone());
        let index = match seen.get(&key) {
            Some(index) => *index,
            None => {
                seen.insert(key, rows.len());
                rows.push(CustomerAging {
                    customer_id: invoice.customer_id,
                    customer: invoice.customer.clone(),
                    currency: invoice.currency.clone(),
                    buckets: Buckets::default(),
                });
                rows.len() - 1
            }
        };
        rows[index].buckets.add(bucket, due);
        totals
            .entry(invoice.currency.clone())
            .or_default()
            .add(bucket, due);
    }
    rows.sort_by(|a, b| {
        (
            &a.customer.customer_name,
            a.customer_id.to_string(),
            &a.currency,
        )
            .cmp(&(
                &b.customer.customer_name,
                b.customer_id.to_string(),
                &b.currency,
            ))
    });
    Ok(AgingReport {
        as_of,
        rows,
        totals,
    })
}
