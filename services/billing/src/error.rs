//! The billing service's errors and their place in the error table.

use atrium_common::error::{ErrorCode, Problem, ServiceError};

use crate::money::TooLarge;
use crate::money::line::LineProblem;

#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    #[error("{field} {problem}")]
    InvalidField {
        field: String,
        problem: &'static str,
    },
    /// A bad page size or token.
    #[error(transparent)]
    Page(Problem),
    #[error("invoice not found")]
    InvoiceNotFound,
    #[error("customer not found")]
    CustomerNotFound,
    #[error("credit note not found")]
    CreditNoteNotFound,
    #[error("payment not found")]
    PaymentNotFound,
    #[error("quote not found")]
    QuoteNotFound,
    #[error("order not found")]
    OrderNotFound,
    /// A decision on a quote past its `valid_until`.
    #[error("the quote has expired")]
    QuoteExpired,
    /// A decision on a quote that is not sent (decided already, say).
    #[error("the quote is not open to a decision")]
    QuoteNotOpen,
    /// A void of an invoice something was paid on.
    #[error("the invoice has payments: refund or credit instead")]
    InvoiceHasPayments,
    /// A send of a draft or void invoice.
    #[error("the invoice is not issued")]
    InvoiceNotIssued,
    /// A link holder's call whose link is not live, not theirs or about another subject.
    #[error("this link is not valid")]
    TokenInvalid,
    /// The documents service, asked for or about a share link, answered with an error.
    #[error("asking the documents service about a share link: {0}")]
    Documents(tonic::Status),
    /// A change only a draft takes (an edit, a delete).
    #[error("the invoice is no longer a draft")]
    InvoiceNotDraft,
    /// A step the document's state does not allow.
    #[error("the document cannot {0} now")]
    InvalidTransition(&'static str),
    /// The billing feature is off: the customer's billing routes are 404.
    #[error("not found")]
    BillingOff,
    /// An `Idempotency-Key` already used with another request.
    #[error("this Idempotency-Key was used with another request")]
    IdempotencyKeyReused,
    /// The customer may not see invoices (`can_view_invoices` off).
    #[error("this needs the permission can_view_invoices")]
    CannotViewInvoices,
    /// Identity, asked about the customer, answered with an error of its own.
    #[error("asking identity about the customer: {0}")]
    Identity(tonic::Status),
    /// The portal, asked about the customer's permissions, answered with an error.
    #[error("asking the portal about the customer: {0}")]
    Portal(tonic::Status),
    /// A PDF could not be made (a bug: the layout is fixed).
    #[error("rendering the PDF: {0}")]
    Pdf(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl BillingError {
    pub fn field(field: &str, problem: &'static str) -> BillingError {
        BillingError::InvalidField {
            field: field.to_owned(),
            problem,
        }
    }
}

impl From<LineProblem> for BillingError {
    fn from(p: LineProblem) -> BillingError {
        BillingError::InvalidField {
            field: p.field,
            problem: p.problem,
        }
    }
}

impl From<TooLarge> for BillingError {
    fn from(_: TooLarge) -> BillingError {
        BillingError::field("lines", "add up to more than an amount can hold")
    }
}

impl ServiceError for BillingError {
    fn code(&self) -> ErrorCode {
        match self {
            BillingError::InvalidField { .. }
            | BillingError::IdempotencyKeyReused
            | BillingError::TokenInvalid => ErrorCode::InvalidArgument,
            BillingError::Page(problem) => problem.code(),
            BillingError::InvoiceNotFound
            | BillingError::CustomerNotFound
            | BillingError::CreditNoteNotFound
            | BillingError::PaymentNotFound
            | BillingError::QuoteNotFound
            | BillingError::OrderNotFound
            | BillingError::BillingOff => ErrorCode::NotFound,
            BillingError::InvoiceNotDraft
            | BillingError::InvoiceNotIssued
            | BillingError::InvalidTransition(_)
            | BillingError::InvoiceHasPayments
            | BillingError::QuoteExpired
            | BillingError::QuoteNotOpen => ErrorCode::FailedPrecondition,
            BillingError::CannotViewInvoices => ErrorCode::PermissionDenied,
            BillingError::Identity(status)
            | BillingError::Portal(status)
            | BillingError::Documents(status) => ErrorCode::from_grpc(status.code()),
            BillingError::Database(err) if atrium_common::db::is_unavailable(err) => {
                ErrorCode::Unavailable
            }
            BillingError::Database(_) | BillingError::Pdf(_) => ErrorCode::Internal,
        }
    }

    fn reason(&self) -> &'static str {
        match self {
            BillingError::Page(problem) => problem.reason(),
            BillingError::InvoiceNotDraft => "INVOICE_NOT_DRAFT",
            BillingError::InvoiceNotIssued => "INVOICE_NOT_ISSUED",
            BillingError::TokenInvalid => "TOKEN_INVALID",
            BillingError::InvoiceHasPayments => "INVOICE_HAS_PAYMENTS",
            BillingError::QuoteExpired => "QUOTE_EXPIRED",
            BillingError::QuoteNotOpen => "QUOTE_NOT_OPEN",
            BillingError::IdempotencyKeyReused => "IDEMPOTENCY_KEY_REUSED",
            BillingError::InvalidTransition(_) => "INVALID_TRANSITION",
            other => other.code().default_reason(),
        }
    }

    fn field_violations(&self) -> Vec<(String, String)> {
        match self {
            BillingError::InvalidField { field, problem } => {
                vec![(field.clone(), (*problem).to_owned())]
            }
            BillingError::Page(problem) => problem.field_violations(),
            _ => Vec::new(),
        }
    }

    fn metadata(&self) -> Vec<(&'static str, String)> {
        match self {
            BillingError::CannotViewInvoices => {
                vec![("permission", "can_view_invoices".to_owned())]
            }
            _ => Vec::new(),
        }
    }
}

impl From<BillingError> for tonic::Status {
    fn from(err: BillingError) -> tonic::Status {
        atrium_common::error::into_status(err)
    }
}
