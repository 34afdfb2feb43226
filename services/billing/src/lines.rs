//! The SQL of document lines, one table per kind of document with the same columns: an
//! invoice's, a credit note's, a quote's and an order's lines are written and read here.

use std::collections::HashMap;

use atrium_common::db::{Db, Pools, Tx, ids_json};
use atrium_common::sql;
use uuid::Uuid;

use crate::invoice::store::LineRow;

/// Which document's lines: its table and the column naming the document.
#[derive(Debug, Clone, Copy)]
pub enum Lines {
    Invoice,
    CreditNote,
    Quote,
    Order,
}

impl Lines {
    fn table(self) -> (&'static str, &'static str) {
        match self {
            Lines::Invoice => ("invoice_line", "invoice_id"),
            Lines::CreditNote => ("credit_note_line", "credit_note_id"),
            Lines::Quote => ("quote_line", "quote_id"),
            Lines::Order => ("order_line", "order_id"),
        }
    }

    /// Writes `lines` under the document `id`.
    pub async fn insert(self, tx: &mut Tx, id: Uuid, lines: &[LineRow]) -> Result<(), sqlx::Error> {
        let (table, column) = self.table();
        let text = format!(
            "insert into {table} ({column}, position, description, quantity, unit_price_minor, \
             tax_rate, discount_percent, net) values ($1, $2, $3, $4, $5, $6, $7, $8)"
        );
        for line in lines {
            sql!(tx tx, query(sqlx::AssertSqlSafe(text.clone())) [id, line.position,
                &line.description, &line.quantity, line.unit_price_minor, &line.tax_rate,
                &line.discount_percent, line.net] execute)?;
        }
        Ok(())
    }

    /// Deletes the document's lines (a draft's, before they are written again).
    pub async fn delete(self, tx: &mut Tx, id: Uuid) -> Result<(), sqlx::Error> {
        let (table, column) = self.table();
        let text = format!("delete from {table} where {column} = $1");
        sql!(tx tx, query(sqlx::AssertSqlSafe(text)) [id] execute).map(drop)
    }

    /// The document's lines in order.
    pub async fn of(self, db: &Db, id: Uuid) -> Result<Vec<LineRow>, sqlx::Error> {
        let (table, column) = self.table();
        let text = format!(
            "select position, description, quantity, unit_price_minor, tax_rate, \
             discount_percent, net from {table} where {column} = $1 order by position"
        );
        sql!(db db, query_as::<_, LineRow>(sqlx::AssertSqlSafe(text)) [id] fetch_all)
    }

    /// The lines of each of `ids`, in one query.
    pub async fn of_each(
        self,
        db: &Db,
        ids: &[Uuid],
    ) -> Result<HashMap<Uuid, Vec<LineRow>>, sqlx::Error> {
        let (table, column) = self.table();
        let select = format!(
            "select {column} as document_id, position, description, quantity, \
             unit_price_minor, tax_rate, discount_percent, net from {table} where {column}"
        );
        let rows: Vec<OwnedLine> = match db.pool() {
            Pools::Postgres(pool) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{select} = any($1) order by position"
                )))
                .bind(ids)
                .fetch_all(pool)
                .await?
            }
            Pools::Sqlite(pool) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "{select} in (select unhex(replace(value, '-', '')) from json_each($1)) \
                     order by position"
                )))
                .bind(ids_json(ids))
                .fetch_all(pool)
                .await?
            }
        };
        let mut by_document: HashMap<Uuid, Vec<LineRow>> = HashMap::new();
        for owned in rows {
            by_document
                .entry(owned.document_id)
                .or_default()
                .push(owned.line);
        }
        Ok(by_document)
    }
}

#[derive(sqlx::FromRow)]
struct OwnedLine {
    document_id: Uuid,
    #[sqlx(flatten)]
    line: LineRow,
}
