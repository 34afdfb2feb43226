//! The customer ledger: append-only entries (no statement updates or deletes one; the
//! database refuses it too) and each customer's balance per currency, kept beside them
//! in the same transaction, so reading a balance costs one row at any ledger length.
//! `balance_due = Σcredit − Σdebit`: positive means the customer owes.

pub mod store;

atrium_common::text_enum! {
    /// What booked an entry.
    pub enum EntryType {
        /// An invoice issued: its total, credited.
        Invoice = "invoice",
        /// A payment received: debited.
        Payment = "payment",
        /// A credit note issued (a void included): debited.
        CreditNote = "credit_note",
        /// Money returned to the customer: credited.
        Refund = "refund",
        /// A manual correction, either way.
        Adjustment = "adjustment",
    }
}
