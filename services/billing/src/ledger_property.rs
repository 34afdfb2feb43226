//! A property of the books, checked over a few hundred random bookings on the backend the
//! tests run on: after every step each customer's kept balance is Σcredit − Σdebit of
//! their entries and the last entry's `balance_after`; no invoice's `amount_due` goes
//! below zero (money that does not fit is refused), and its status follows what was paid
//! and credited.

use atrium_common::db::Db;
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::sql;
use atrium_common::testkit::at;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::invoice::Status;
use crate::invoice::store::{self, Apply, InvoiceRow};
use crate::ledger::EntryType;
use crate::ledger::store::{self as ledger, NewEntry};
use crate::store_contract::{day, db, draft, insert, issue};

async fn book(db: &Db, entry: NewEntry) {
    let mut tx = db.begin().await.unwrap();
    ledger::append(&mut tx, &entry).await.unwrap();
    tx.commit().await.unwrap();
}

fn entry(
    org_id: OrgId,
    customer_id: CustomerId,
    kind: EntryType,
    (debit, credit): (i64, i64),
) -> NewEntry {
    NewEntry {
        org_id,
        customer_id,
        currency: "EUR".into(),
        at: at(200),
        entry_type: kind,
        debit,
        credit,
        reference_kind: "adjustment",
        reference_id: Uuid::new_v4(),
        reference_number: None,
    }
}

/// Applies `paid` or `credited` to `invoice` in its own transaction, booking the debit
/// when it fits; answers whether it did.
async fn apply(db: &Db, invoice: &InvoiceRow, (paid, credited): (i64, i64)) -> bool {
    let mut tx = db.begin().await.unwrap();
    let change = Apply {
        customer_id: invoice.customer_id,
        currency: "EUR",
        paid,
        credited,
        unpaid_only: false,
        void_reason: None,
        at: at(300),
    };
    let key = (invoice.org_id, invoice.invoice_id);
    if store::apply(&mut tx, key, &change).await.unwrap().is_none() {
        return false;
    }
    let kind = if paid > 0 {
        EntryType::Payment
    } else {
        EntryType::CreditNote
    };
    let booked = entry(
        invoice.org_id,
        invoice.customer_id,
        kind,
        (paid + credited, 0),
    );
    ledger::append(&mut tx, &booked).await.unwrap();
    tx.commit().await.unwrap();
    true
}

async fn check(db: &Db, org: OrgId, customers: &[CustomerId], invoices: &[InvoiceRow]) {
    for customer in customers {
        let sums: (Option<i64>, Option<i64>) =
            sql!(db db, query_as::<_, (Option<i64>, Option<i64>)>(
            "select cast(sum(credit) as bigint), cast(sum(debit) as bigint) from ledger_entry \
             where org_id = $1 and customer_id = $2"
        ) [org, *customer] fetch_one)
            .unwrap();
        let expected = sums.0.unwrap_or(0) - sums.1.unwrap_or(0);
        let balances = ledger::balances(db, org, *customer).await.unwrap();
        let kept = balances.first().map_or(0, |b| b.balance_due);
        assert_eq!(kept, expected, "balance_due = Σcredit − Σdebit");
        let last: Option<i64> = sql!(db db, query_scalar(
            "select balance_after from ledger_entry where org_id = $1 and customer_id = $2 \
             order by seq desc limit 1"
        ) [org, *customer] fetch_optional)
        .unwrap();
        assert_eq!(last.unwrap_or(0), kept, "the last entry's balance");
    }
    for invoice in invoices {
        let now = store::find(db, org, invoice.invoice_id)
            .await
            .unwrap()
            .unwrap();
        let due = now.total - now.amount_credited - now.amount_paid;
        assert!(due >= 0, "amount_due never below zero: {now:?}");
        let expected = match (due, now.amount_paid) {
            (0, 0) => Status::Void,
            (0, _) => Status::Paid,
            (_, 0) => Status::Issued,
            _ => Status::PartiallyPaid,
        };
        assert_eq!(now.status, expected, "{now:?}");
    }
}

#[tokio::test]
async fn the_books_balance_after_every_one_of_many_random_bookings() {
    let (db, _database) = db().await;
    let org = OrgId::new();
    let customers = [CustomerId::new(), CustomerId::new()];
    let mut rng = StdRng::seed_from_u64(18);
    let mut invoices: Vec<InvoiceRow> = Vec::new();
    for step in 0..300 {
        let customer = customers[rng.random_range(0..customers.len())];
        match rng.random_range(0..5) {
            0 => {
                let mut row = draft(org, customer, "Ada", step);
                row.total = rng.random_range(1..=100_000);
                insert(&db, &row).await;
                issue(&db, &row, day(2)).await.unwrap();
                book(
                    &db,
                    entry(org, customer, EntryType::Invoice, (0, row.total)),
                )
                .await;
                invoices.push(row);
            }
            kind @ (1 | 2) if !invoices.is_empty() => {
                let invoice = invoices[rng.random_range(0..invoices.len())].clone();
                let amount = rng.random_range(1..=60_000);
                let change = if kind == 1 { (amount, 0) } else { (0, amount) };
                let now = store::find(&db, org, invoice.invoice_id)
                    .await
                    .unwrap()
                    .unwrap();
                let due = now.total - now.amount_credited - now.amount_paid;
                let fits =
                    matches!(now.status, Status::Issued | Status::PartiallyPaid) && amount <= due;
                assert_eq!(
                    apply(&db, &invoice, change).await,
                    fits,
                    "applied only when it fits"
                );
            }
            3 => {
                let amount = rng.random_range(1..=10_000);
                book(&db, entry(org, customer, EntryType::Refund, (0, amount))).await;
            }
            _ => {
                let amount = rng.random_range(1..=10_000);
                let sides = if rng.random_bool(0.5) {
                    (amount, 0)
                } else {
                    (0, amount)
                };
                book(&db, entry(org, customer, EntryType::Adjustment, sides)).await;
            }
        }
        check(&db, org, &customers, &invoices).await;
    }
    assert!(invoices.len() > 20, "the walk issued invoices");
}
