//! The billing service's gRPC handlers: each decodes a request into a domain call and
//! encodes the answer; no SQL here.

mod credit_notes;
mod customers;
mod erasure;
mod invoices;
mod ledger;
mod orders;
mod payments;
mod pdfs;
mod quotes;
mod sending;

use atrium_common::auth::{Principal, SubjectKind};
use atrium_common::grpc::timestamp;
use atrium_proto::billing::v1 as pb;
use chrono::NaiveDate;
use tonic::{Request, Status};

use crate::AppState;
use crate::error::BillingError;
use crate::invoice::InvoiceView;
use crate::invoice::store::LineRow;
use crate::ledger::store::{BalanceRow, EntryRow};
use crate::money::{LineInput, canonical};

type Rpc<T> = Result<tonic::Response<T>, Status>;

#[derive(Clone)]
pub struct Billing(pub AppState);

fn staff<T>(request: &Request<T>) -> Result<Principal, Status> {
    Principal::require(request, SubjectKind::Staff)
}

/// A `YYYY-MM-DD` date (empty: none); anything else is a 422 naming `field`.
fn date(text: &str, field: &str) -> Result<Option<NaiveDate>, BillingError> {
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| BillingError::field(field, "must be a date YYYY-MM-DD"))
}

fn line_input(line: pb::Line) -> LineInput {
    LineInput {
        description: line.description,
        quantity: line.quantity,
        unit_price_minor: line.unit_price_minor,
        tax_rate: line.tax_rate,
        discount_percent: line.discount_percent,
    }
}

impl From<LineRow> for pb::Line {
    fn from(l: LineRow) -> pb::Line {
        pb::Line {
            description: l.description,
            quantity: l.quantity,
            unit_price_minor: l.unit_price_minor,
            tax_rate: l.tax_rate,
            discount_percent: l.discount_percent,
            net: l.net,
        }
    }
}

impl From<InvoiceView> for pb::Invoice {
    fn from(v: InvoiceView) -> pb::Invoice {
        let row = v.row;
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        pb::Invoice {
            id: row.invoice_id.to_string(),
            number: row.number.unwrap_or_default(),
            customer: Some(pb::CustomerRef {
                id: row.customer_id.to_string(),
                name: row.customer.customer_name,
                email: row.customer.customer_email,
                company: row.customer.customer_company,
            }),
            project_id: row.project_id.map(|id| id.to_string()).unwrap_or_default(),
            status: row.status.as_str().to_owned(),
            currency: row.currency,
            issue_date: day(row.issue_date),
            due_date: day(row.due_date),
            lines: v.lines.into_iter().map(Into::into).collect(),
            tax_breakdown: tax_parts(v.tax_breakdown),
            subtotal: row.subtotal,
            tax_total: row.tax_total,
            total: row.total,
            amount_credited: row.amount_credited,
            amount_paid: row.amount_paid,
            amount_due: v.amount_due,
            days_overdue: v.days_overdue,
            aging_bucket: v.aging_bucket.to_owned(),
            notes: row.notes,
            payment_terms_days: row.payment_terms_days,
            created_at: Some(timestamp(row.created_at)),
            updated_at: Some(timestamp(row.updated_at)),
            payments: Vec::new(),
            credit_notes: Vec::new(),
            detailed: false,
            sent_at: row.sent_at.map(timestamp),
            sent_count: row.sent_count,
        }
    }
}

impl From<crate::invoice::InvoiceDetail> for pb::Invoice {
    fn from(d: crate::invoice::InvoiceDetail) -> pb::Invoice {
        pb::Invoice {
            payments: d
                .payments
                .into_iter()
                .map(|a| pb::InvoicePayment {
                    payment_id: a.payment_id.to_string(),
                    received_on: a.received_on.to_string(),
                    method: a.method,
                    amount: a.amount,
                    allocated_at: Some(timestamp(a.created_at)),
                })
                .collect(),
            credit_notes: d
                .credit_notes
                .into_iter()
                .map(credit_notes::encode)
                .collect(),
            detailed: true,
            ..d.view.into()
        }
    }
}

fn tax_parts(parts: Vec<crate::money::TaxPart>) -> Vec<pb::TaxPart> {
    parts
        .into_iter()
        .map(|t| pb::TaxPart {
            tax_rate: canonical(t.tax_rate),
            taxable: t.taxable,
            tax: t.tax,
        })
        .collect()
}

fn customer_ref(
    id: impl ToString,
    name: String,
    email: String,
    company: String,
) -> pb::CustomerRef {
    pb::CustomerRef {
        id: id.to_string(),
        name,
        email,
        company,
    }
}

impl From<BalanceRow> for pb::Balance {
    fn from(b: BalanceRow) -> pb::Balance {
        pb::Balance {
            currency: b.currency,
            credits: b.credits,
            debits: b.debits,
            balance_due: b.balance_due,
        }
    }
}

impl From<EntryRow> for pb::LedgerEntry {
    fn from(e: EntryRow) -> pb::LedgerEntry {
        pb::LedgerEntry {
            id: e.entry_id.to_string(),
            at: Some(timestamp(e.at)),
            entry_type: e.entry_type.as_str().to_owned(),
            currency: e.currency,
            debit: e.debit,
            credit: e.credit,
            balance_after: e.balance_after,
            reference: Some(pb::Reference {
                kind: e.reference_kind,
                id: e.reference_id.to_string(),
                number: e.reference_number.unwrap_or_default(),
            }),
        }
    }
}

impl From<crate::settings::BillingSettings> for pb::BillingSettings {
    fn from(s: crate::settings::BillingSettings) -> pb::BillingSettings {
        pb::BillingSettings {
            legal_name: s.legal_name,
            address: s.address,
            vat_id: s.vat_id,
            payment_instructions: s.payment_instructions,
            payment_terms_days: s.payment_terms_days,
        }
    }
}

#[tonic::async_trait]
impl pb::billing_settings_service_server::BillingSettingsService for Billing {
    async fn get_billing_settings(
        &self,
        request: Request<pb::GetBillingSettingsRequest>,
    ) -> Rpc<pb::BillingSettingsResponse> {
        let principal = staff(&request)?;
        let found = crate::settings::load(&self.0, principal.org_id).await?;
        Ok(tonic::Response::new(pb::BillingSettingsResponse {
            settings: Some(found.into()),
        }))
    }

    async fn update_billing_settings(
        &self,
        request: Request<pb::UpdateBillingSettingsRequest>,
    ) -> Rpc<pb::BillingSettingsResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let changes = crate::settings::Changes {
            legal_name: r.legal_name,
            address: r.address,
            vat_id: r.vat_id,
            payment_instructions: r.payment_instructions,
            payment_terms_days: r.payment_terms_days,
        };
        let saved = crate::settings::update(&self.0, &principal, changes).await?;
        Ok(tonic::Response::new(pb::BillingSettingsResponse {
            settings: Some(saved.into()),
        }))
    }
}
