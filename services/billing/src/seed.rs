//! Bulk fixtures for the benchmarks, written through the stores in one transaction each:
//! a customer's ledger of any length, and issued invoices, each with the dashboard's
//! snapshot in the outbox (the portal has it once Atrium runs).

use atrium_common::db::Db;
use atrium_common::ids::{CustomerId, OrgId};
use chrono::{Duration, Utc};
use uuid::Uuid;

use crate::invoice::Status;
use crate::invoice::store::{self, InvoiceRow, LineRow, Snapshot};
use crate::ledger::EntryType;
use crate::ledger::store::{self as ledger, NewEntry};
use crate::lines::Lines;
use crate::numbers::{self, Series};

/// Appends `count` entries to the customer's EUR ledger: invoices of 119.00 and payments
/// of 100.00 in turn, one second apart.
pub async fn ledger(db: &Db, org_id: Uuid, customer_id: Uuid, count: usize) -> anyhow::Result<()> {
    let start = Utc::now() - Duration::seconds(count as i64);
    let mut tx = db.begin().await?;
    for i in 0..count {
        let invoice = i % 2 == 0;
        let entry = NewEntry {
            org_id: OrgId(org_id),
            customer_id: CustomerId(customer_id),
            currency: "EUR".to_owned(),
            at: start + Duration::seconds(i as i64),
            entry_type: if invoice {
                EntryType::Invoice
            } else {
                EntryType::Payment
            },
            debit: if invoice { 0 } else { 10_000 },
            credit: if invoice { 11_900 } else { 0 },
            reference_kind: if invoice { "invoice" } else { "payment" },
            reference_id: Uuid::now_v7(),
            reference_number: invoice.then(|| format!("INV-SEED-{i}")),
        };
        ledger::append(&mut tx, &entry).await?;
    }
    let whose = (OrgId(org_id), CustomerId(customer_id));
    crate::summary::publish(&mut tx, whose, Utc::now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes `count` issued EUR invoices of the customer with `lines` lines each (numbered
/// in the organization's series); answers their ids.
pub async fn invoices(
    db: &Db,
    (org_id, customer_id): (Uuid, Uuid),
    count: usize,
    lines: usize,
) -> anyhow::Result<Vec<Uuid>> {
    let now = Utc::now();
    let today = now.date_naive();
    let rows: Vec<LineRow> = (0..lines)
        .map(|position| LineRow {
            position: position as i32,
            description: format!(
                "Consulting, work package {position}: analysis, design and review"
            ),
            quantity: "2.5".to_owned(),
            unit_price_minor: 12_000,
            tax_rate: "19".to_owned(),
            discount_percent: "0".to_owned(),
            net: 30_000,
        })
        .collect();
    let subtotal = 30_000 * lines as i64;
    let tax_total = subtotal * 19 / 100;
    let mut ids = Vec::with_capacity(count);
    let mut tx = db.begin().await?;
    for i in 0..count {
        let number = numbers::take(&mut tx, OrgId(org_id), Series::Invoice, today).await?;
        let row = InvoiceRow {
            invoice_id: Uuid::now_v7(),
            org_id: OrgId(org_id),
            customer_id: CustomerId(customer_id),
            project_id: None,
            number: Some(number),
            status: Status::Issued,
            currency: "EUR".to_owned(),
            issue_date: Some(today),
            due_date: Some(today + Duration::days(if i % 2 == 0 { 30 } else { -10 })),
            payment_terms_days: 30,
            notes: "Thank you for your business.".to_owned(),
            subtotal,
            tax_total,
            total: subtotal + tax_total,
            amount_credited: 0,
            amount_paid: 0,
            customer: Snapshot {
                customer_name: "Customer 0".to_owned(),
                customer_email: "customer0@bench.test".to_owned(),
                customer_company: "Bench Ltd".to_owned(),
                customer_address: "1 Bench Street\nLondon".to_owned(),
                customer_locale: "en".to_owned(),
            },
            void_reason: None,
            created_at: now,
            updated_at: now,
            sent_at: None,
            sent_count: 0,
        };
        store::insert(&mut tx, &row, &[]).await?;
        Lines::Invoice
            .insert(&mut tx, row.invoice_id, &rows)
            .await?;
        ids.push(row.invoice_id);
    }
    let whose = (OrgId(org_id), CustomerId(customer_id));
    crate::summary::publish(&mut tx, whose, Utc::now()).await?;
    tx.commit().await?;
    Ok(ids)
}
