//! One invoice as its own page shows it: with the payments allocated to it and its
//! credit notes, two more queries whatever their number.

use super::InvoiceView;
use crate::AppState;
use crate::credit_note::store::{self as credit_notes, CreditNoteRow};
use crate::error::BillingError;
use crate::payment::store::{self as payments, AllocationRow};

/// Most credit notes shown on an invoice (a list route pages through more).
const MAX_CREDIT_NOTES: i64 = 200;

/// An invoice with what was paid and credited on it.
#[derive(Debug, Clone)]
pub struct InvoiceDetail {
    pub view: InvoiceView,
    /// Its allocations, oldest first.
    pub payments: Vec<AllocationRow>,
    /// Newest first.
    pub credit_notes: Vec<CreditNoteRow>,
}

pub async fn detail(state: &AppState, view: InvoiceView) -> Result<InvoiceDetail, BillingError> {
    let id = view.row.invoice_id;
    let mut paid = payments::allocations_of(&state.db, &[id], true).await?;
    let filter = credit_notes::Filter {
        invoice_id: Some(id),
        customer_id: None,
    };
    let credit_notes =
        credit_notes::list(&state.db, view.row.org_id, filter, None, MAX_CREDIT_NOTES).await?;
    Ok(InvoiceDetail {
        payments: paid.remove(&id).unwrap_or_default(),
        credit_notes,
        view,
    })
}
