//! Which document a PDF is of, read under the asker's rights (staff: any of the
//! organization's, drafts too; a customer: their own issued ones), rendered off the
//! async threads.

use atrium_common::auth::{Principal, SubjectKind};
use atrium_common::ids::CustomerId;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::BillingError;
use crate::{credit_note, customers, invoice, ledger, order, quote, settings};

/// The rendering of one document, run off the async threads.
type Job = Box<dyn FnOnce() -> Result<Vec<u8>, BillingError> + Send>;

/// A rendered PDF, its name and its SHA-256.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub file_name: String,
    pub sha256: String,
}

/// The period and currency of a statement.
pub struct Period<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub currency: &'a str,
}

/// The PDF of `kind` (`invoice`, `credit_note`, `quote`, `order`, `statement`) `id` as
/// `principal` may read it (a statement's `id` is the customer's; a customer's own
/// statement needs none).
pub async fn render(
    state: &AppState,
    principal: &Principal,
    (kind, id): (&str, &str),
    period: Period<'_>,
) -> Result<Rendered, BillingError> {
    let org_id = principal.org_id;
    let mine = (principal.kind == SubjectKind::Customer).then(|| principal.customer_id());
    let (settings, logo) = tokio::join!(settings::load(state, org_id), state.logos.of(org_id));
    let seller = super::Seller {
        settings: settings?,
        logo,
    };
    let (name, job): (String, Job) = match kind {
        "invoice" => {
            let view = match mine {
                Some(_) => invoice::find_mine(state, principal, id).await?,
                None => invoice::find(state, org_id, id).await?,
            };
            let name = view
                .row
                .number
                .clone()
                .unwrap_or_else(|| format!("draft-{id}"));
            (name, Box::new(move || super::invoice(&view, &seller)))
        }
        "credit_note" => {
            let view = credit_note::find(state, org_id, mine, id).await?;
            (
                view.row.number.clone(),
                Box::new(move || super::credit_note(&view, &seller)),
            )
        }
        "quote" => {
            let view = quote::find(state, org_id, mine, id).await?;
            let name = view
                .row
                .number
                .clone()
                .unwrap_or_else(|| format!("draft-{id}"));
            (name, Box::new(move || super::quote(&view, &seller)))
        }
        "order" => {
            let view = order::find(state, org_id, mine, id).await?;
            (
                view.row.number.clone(),
                Box::new(move || super::order(&view, &seller)),
            )
        }
        "statement" => {
            let customer_id = match mine {
                Some(own) => own,
                None => {
                    let id = CustomerId::parse(id).ok_or(BillingError::CustomerNotFound)?;
                    if !customers::known(state, principal, id).await? {
                        return Err(BillingError::CustomerNotFound);
                    }
                    id
                }
            };
            let key = (org_id, customer_id);
            let asked = (period.from, period.to);
            let found = ledger::statement::statement(state, key, asked, period.currency).await?;
            let to = invoice::store::latest_snapshot(&state.db, key)
                .await?
                .unwrap_or_default();
            let name = format!("statement-{}-{}-{}", found.currency, found.from, found.to);
            (
                name,
                Box::new(move || super::statement(&found, &to, &seller)),
            )
        }
        _ => {
            return Err(BillingError::field(
                "kind",
                "must be invoice, credit_note, quote, order or statement",
            ));
        }
    };
    let bytes = tokio::task::spawn_blocking(job)
        .await
        .map_err(|e| BillingError::Pdf(e.to_string()))??;
    let sha256 = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(Rendered {
        bytes,
        file_name: format!("{name}.pdf"),
        sha256,
    })
}
