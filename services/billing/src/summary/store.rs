//! The summary's one statement: the three counts beside each balance row (the counts
//! repeat on every row; a customer without balances still gets one row of counts).

use atrium_common::db::Db;
use atrium_common::ids::{CustomerId, OrgId};
use atrium_common::sql;
use chrono::NaiveDate;

use super::Summary;
use crate::ledger::store::BalanceRow;

type Row = (
    i64,
    i64,
    i64,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

pub async fn summary(
    db: &Db,
    (org_id, customer_id): (OrgId, CustomerId),
    today: NaiveDate,
) -> Result<Summary, sqlx::Error> {
    let rows: Vec<Row> = sql!(db db, query_as::<_, Row>(
        "select c.open_invoices, c.overdue_invoices, c.open_quotes, \
         b.currency, b.credits, b.debits, b.balance_due \
         from (select \
          (select count(*) from invoice where org_id = $1 and customer_id = $2 \
           and status in ('issued', 'partially_paid')) as open_invoices, \
          (select count(*) from invoice where org_id = $1 and customer_id = $2 \
           and status in ('issued', 'partially_paid') and due_date < $3) as overdue_invoices, \
          (select count(*) from quote where org_id = $1 and customer_id = $2 \
           and status = 'sent' and valid_until >= $3) as open_quotes) c \
         left join customer_balance b on b.org_id = $1 and b.customer_id = $2 \
         order by b.currency"
    ) [org_id, customer_id, today] fetch_all)?;
    let (open_invoices, overdue_invoices, open_quotes) =
        rows.first().map_or((0, 0, 0), |row| (row.0, row.1, row.2));
    let balances = rows
        .into_iter()
        .filter_map(|(_, _, _, currency, credits, debits, balance_due)| {
            Some(BalanceRow {
                currency: currency?,
                credits: credits?,
                debits: debits?,
                balance_due: balance_due?,
            })
        })
        .collect();
    Ok(Summary {
        open_invoices,
        overdue_invoices,
        open_quotes,
        balances,
    })
}
