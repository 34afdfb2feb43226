//! The billing store's contract, on the backend the tests run on (SQLite, or PostgreSQL
//! with ATRIUM_TEST_DATABASE_URL): gap-free numbers under concurrency, the ledger's
//! balances and its refusal of any change, and invoices found only in their org.

use atrium_common::config::ServiceName;
use atrium_common::db::Db;
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::sql;
use atrium_common::testkit::{self, TestDatabase, at};
use chrono::NaiveDate;
use uuid::Uuid;

use crate::invoice::Status;
use crate::invoice::store::{self, Filter, InvoiceRow, LineRow, Snapshot};
use crate::ledger::EntryType;
use crate::ledger::store::{self as ledger, NewEntry};
use crate::numbers::{self, Series};

pub(crate) async fn db() -> (Db, TestDatabase) {
    testkit::store_db(ServiceName::Billing, &crate::MIGRATIONS).await
}

pub(crate) fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

pub(crate) fn draft(
    org_id: OrgId,
    customer_id: CustomerId,
    name: &str,
    created: i64,
) -> InvoiceRow {
    InvoiceRow {
        invoice_id: Uuid::new_v4(),
        org_id,
        customer_id,
        project_id: None,
        number: None,
        status: Status::Draft,
        currency: "EUR".into(),
        issue_date: None,
        due_date: None,
        payment_terms_days: 30,
        notes: String::new(),
        subtotal: 1000,
        tax_total: 190,
        total: 1190,
        amount_credited: 0,
        amount_paid: 0,
        customer: Snapshot {
            customer_name: name.into(),
            customer_email: format!("{}@example.test", name.to_lowercase()),
            customer_company: String::new(),
            customer_address: String::new(),
            customer_locale: "en".into(),
        },
        void_reason: None,
        created_at: at(created),
        updated_at: at(created),
        sent_at: None,
        sent_count: 0,
    }
}

fn one_line() -> Vec<LineRow> {
    vec![LineRow {
        position: 0,
        description: "Work".into(),
        quantity: "1".into(),
        unit_price_minor: 1000,
        tax_rate: "19".into(),
        discount_percent: "0".into(),
        net: 1000,
    }]
}

pub(crate) async fn insert(db: &Db, row: &InvoiceRow) {
    let mut tx = db.begin().await.unwrap();
    store::insert(&mut tx, row, &one_line()).await.unwrap();
    tx.commit().await.unwrap();
}

/// Issues `row` as the service does: a number and the invoice in one transaction.
pub(crate) async fn issue(db: &Db, row: &InvoiceRow, on: NaiveDate) -> Option<String> {
    let mut tx = db.begin().await.unwrap();
    let number = numbers::take(&mut tx, row.org_id, Series::Invoice, on)
        .await
        .unwrap();
    let issued = store::Issue {
        number: &number,
        issue_date: on,
        due_date: on + chrono::Duration::days(30),
        customer: &row.customer,
        at: at(100),
    };
    if !store::issue(&mut tx, (row.org_id, row.invoice_id), &issued)
        .await
        .unwrap()
    {
        return None;
    }
    tx.commit().await.unwrap();
    Some(number)
}

#[tokio::test]
async fn sixteen_invoices_issued_at_once_take_sixteen_numbers_without_a_gap() {
    let (db, _database) = db().await;
    let (org, customer) = (OrgId::new(), CustomerId::new());
    let mut rows = Vec::new();
    for i in 0..16 {
        let row = draft(org, customer, "Ada", i);
        insert(&db, &row).await;
        rows.push(row);
    }
    let tasks: Vec<_> = rows
        .into_iter()
        .map(|row| {
            let db = db.clone();
            tokio::spawn(async move { issue(&db, &row, day(2)).await.unwrap() })
        })
        .collect();
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.push(task.await.unwrap());
    }
    numbers.sort();
    let expected: Vec<String> = (1..=16).map(|n| format!("INV-2026-{n:04}")).collect();
    assert_eq!(numbers, expected);
    // Another organization and another year count on their own.
    let theirs = draft(OrgId::new(), customer, "Bo", 0);
    insert(&db, &theirs).await;
    assert_eq!(issue(&db, &theirs, day(3)).await.unwrap(), "INV-2026-0001");
    let next_year = draft(org, customer, "Ada", 50);
    insert(&db, &next_year).await;
    let january = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    assert_eq!(
        issue(&db, &next_year, january).await.unwrap(),
        "INV-2027-0001"
    );
}

#[tokio::test]
async fn a_rolled_back_issue_gives_its_number_back_and_a_second_issue_loses() {
    let (db, _database) = db().await;
    let org = OrgId::new();
    let mut tx = db.begin().await.unwrap();
    let taken = numbers::take(&mut tx, org, Series::Quote, day(1))
        .await
        .unwrap();
    assert_eq!(taken, "Q-2026-0001");
    drop(tx);
    let mut tx = db.begin().await.unwrap();
    assert_eq!(
        numbers::take(&mut tx, org, Series::Quote, day(1))
            .await
            .unwrap(),
        "Q-2026-0001"
    );
    drop(tx);

    let row = draft(org, CustomerId::new(), "Ada", 0);
    insert(&db, &row).await;
    assert_eq!(
        issue(&db, &row, day(1)).await.as_deref(),
        Some("INV-2026-0001")
    );
    assert_eq!(issue(&db, &row, day(1)).await, None, "issued once only");
    let mut tx = db.begin().await.unwrap();
    assert!(
        !store::delete_draft(&mut tx, org, row.invoice_id)
            .await
            .unwrap()
    );
    assert!(
        !store::update_draft(&mut tx, &row, &one_line())
            .await
            .unwrap()
    );
    drop(tx);
    let stored = store::find(&db, org, row.invoice_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.status, stored.number.as_deref()),
        (Status::Issued, Some("INV-2026-0001"))
    );
    assert_eq!(stored.due_date, Some(day(31)));
    // The one number the failed second issue took went back with its transaction.
    let next = draft(org, CustomerId::new(), "Bo", 1);
    insert(&db, &next).await;
    assert_eq!(
        issue(&db, &next, day(1)).await.as_deref(),
        Some("INV-2026-0002")
    );
}

fn entry(
    org: OrgId,
    customer: CustomerId,
    kind: EntryType,
    debit: i64,
    credit: i64,
    when: i64,
) -> NewEntry {
    NewEntry {
        org_id: org,
        customer_id: customer,
        currency: "EUR".into(),
        at: at(when),
        entry_type: kind,
        debit,
        credit,
        reference_kind: kind.as_str(),
        reference_id: Uuid::new_v4(),
        reference_number: None,
    }
}

#[tokio::test]
async fn the_ledger_keeps_each_balance_beside_its_entries_and_refuses_any_change() {
    let (db, _database) = db().await;
    let (org, customer) = (OrgId::new(), CustomerId::new());
    let mut tx = db.begin().await.unwrap();
    let steps = [
        (EntryType::Invoice, 0, 1190, 1190),
        (EntryType::Payment, 400, 0, 790),
        (EntryType::CreditNote, 190, 0, 600),
        (EntryType::Payment, 1000, 0, -400),
        (EntryType::Refund, 0, 400, 0),
        (EntryType::Adjustment, 0, 25, 25),
    ];
    for (i, (kind, debit, credit, after)) in steps.into_iter().enumerate() {
        let row = ledger::append(
            &mut tx,
            &entry(org, customer, kind, debit, credit, i as i64),
        )
        .await
        .unwrap();
        assert_eq!(
            (row.seq, row.balance_after),
            (i as i64 + 1, after),
            "{kind}"
        );
    }
    // Another customer and another currency keep their own balances.
    let mut usd = entry(org, customer, EntryType::Invoice, 0, 500, 10);
    usd.currency = "USD".into();
    ledger::append(&mut tx, &usd).await.unwrap();
    ledger::append(
        &mut tx,
        &entry(org, CustomerId::new(), EntryType::Invoice, 0, 70, 11),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let balances = ledger::balances(&db, org, customer).await.unwrap();
    let summary: Vec<_> = balances
        .iter()
        .map(|b| (b.currency.as_str(), b.credits, b.debits, b.balance_due))
        .collect();
    assert_eq!(summary, [("EUR", 1615, 1590, 25), ("USD", 500, 0, 500)]);
    assert!(
        ledger::balances(&db, OrgId::new(), customer)
            .await
            .unwrap()
            .is_empty()
    );

    let newest = ledger::entries(&db, (org, customer), Some("EUR"), None, 4)
        .await
        .unwrap();
    let seqs: Vec<i64> = newest.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [6, 5, 4, 3]);
    let last = newest.last().map(|e| (e.at, e.entry_id));
    let rest = ledger::entries(&db, (org, customer), Some("EUR"), last, 4)
        .await
        .unwrap();
    assert_eq!(rest.iter().map(|e| e.seq).collect::<Vec<_>>(), [2, 1]);
    assert_eq!(
        ledger::entries(&db, (org, customer), None, None, 50)
            .await
            .unwrap()
            .len(),
        7
    );

    let (opening, period) = ledger::period(&db, (org, customer), "EUR", (at(2), at(5)))
        .await
        .unwrap();
    assert_eq!(opening, 790);
    assert_eq!(
        period.iter().map(|e| e.balance_after).collect::<Vec<_>>(),
        [600, -400, 0]
    );

    let update = sql!(db &db, query("update ledger_entry set reference_number = 'x'") [] execute);
    assert!(update.is_err(), "entries cannot be changed");
    let delete = sql!(db &db, query("delete from ledger_entry") [] execute);
    assert!(delete.is_err(), "entries cannot be deleted");
    assert_eq!(
        ledger::entries(&db, (org, customer), None, None, 50)
            .await
            .unwrap()
            .len(),
        7
    );
}

#[tokio::test]
async fn invoices_are_listed_by_their_filters_and_only_in_their_organization() {
    let (db, _database) = db().await;
    let (org, ada, bo) = (OrgId::new(), CustomerId::new(), CustomerId::new());
    let first = draft(org, ada, "Jürgen", 0);
    let second = draft(org, bo, "Bo", 10);
    let theirs = draft(OrgId::new(), ada, "Jürgen", 20);
    for row in [&first, &second, &theirs] {
        insert(&db, row).await;
    }
    assert_eq!(
        issue(&db, &first, day(1)).await.as_deref(),
        Some("INV-2026-0001")
    );
    let list = |filter: Filter<'static>| {
        let db = db.clone();
        async move {
            store::list(&db, org, &filter, None, 50)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.invoice_id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        list(Filter::default()).await,
        [second.invoice_id, first.invoice_id]
    );
    let issued = Filter {
        issued_only: true,
        ..Filter::default()
    };
    assert_eq!(list(issued).await, [first.invoice_id]);
    let by_customer = Filter {
        customer_id: Some(bo),
        ..Filter::default()
    };
    assert_eq!(list(by_customer).await, [second.invoice_id]);
    for q in ["JÜRG", "inv-2026-0001", "jürgen@"] {
        let found = list(Filter {
            q: Some(q),
            ..Filter::default()
        })
        .await;
        assert_eq!(found, [first.invoice_id], "{q}");
    }
    assert!(
        list(Filter {
            q: Some("%"),
            ..Filter::default()
        })
        .await
        .is_empty()
    );
    let overdue = |on| Filter {
        overdue_on: Some(on),
        ..Filter::default()
    };
    assert!(list(overdue(day(31))).await.is_empty(), "due on the 31st");
    assert_eq!(
        list(overdue(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap())).await,
        [first.invoice_id]
    );
    let drafts = Filter {
        status: Some(Status::Draft),
        ..Filter::default()
    };
    assert_eq!(list(drafts).await, [second.invoice_id]);

    assert!(
        store::find(&db, org, theirs.invoice_id)
            .await
            .unwrap()
            .is_none()
    );
    let lines = crate::lines::Lines::Invoice
        .of_each(
            &db,
            &[first.invoice_id, second.invoice_id, theirs.invoice_id],
        )
        .await
        .unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[&first.invoice_id], one_line());
}
