//! The ledger as staff read it.

use atrium_common::page::Page;
use atrium_proto::billing::v1 as pb;
use tonic::{Request, Response};

use super::{Billing, Rpc, staff};
use crate::customers;
use crate::error::BillingError;
use crate::invoice;
use crate::ledger;

#[tonic::async_trait]
impl pb::ledger_service_server::LedgerService for Billing {
    async fn get_customer_ledger(
        &self,
        request: Request<pb::CustomerLedgerRequest>,
    ) -> Rpc<pb::LedgerResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let page = Page::parse(r.page_size, &r.page_token).map_err(BillingError::Page)?;
        let customer_id =
            invoice::customer_id(&r.customer_id).map_err(|_| BillingError::CustomerNotFound)?;
        if !customers::known(&self.0, &principal, customer_id).await? {
            return Err(BillingError::CustomerNotFound.into());
        }
        let currency = (!r.currency.is_empty()).then_some(r.currency.as_str());
        let found = ledger::of(&self.0, (principal.org_id, customer_id), currency, page).await?;
        Ok(Response::new(pb::LedgerResponse {
            balances: found.balances.into_iter().map(Into::into).collect(),
            items: found.items.into_iter().map(Into::into).collect(),
            next_page_token: found.next_page_token,
        }))
    }

    async fn get_statement(
        &self,
        request: Request<pb::StatementRequest>,
    ) -> Rpc<pb::StatementResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let customer_id =
            invoice::customer_id(&r.customer_id).map_err(|_| BillingError::CustomerNotFound)?;
        if !customers::known(&self.0, &principal, customer_id).await? {
            return Err(BillingError::CustomerNotFound.into());
        }
        let key = (principal.org_id, customer_id);
        let period = (r.from.as_str(), r.to.as_str());
        statement_response(ledger::statement::statement(&self.0, key, period, &r.currency).await?)
    }

    async fn add_adjustment(
        &self,
        request: Request<pb::AddAdjustmentRequest>,
    ) -> Rpc<pb::LedgerEntryResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let customer_id =
            invoice::customer_id(&r.customer_id).map_err(|_| BillingError::CustomerNotFound)?;
        let adjustment = ledger::adjust::Adjustment {
            amount_minor: r.amount_minor,
            currency: r.currency,
            direction: r.direction,
            reason: r.reason,
        };
        let entry = ledger::adjust::adjust(
            &self.0,
            &principal,
            customer_id,
            adjustment,
            &r.idempotency_key,
        )
        .await?;
        Ok(Response::new(pb::LedgerEntryResponse {
            entry: Some(entry.into()),
        }))
    }
}

pub(super) fn statement_response(s: ledger::statement::Statement) -> Rpc<pb::StatementResponse> {
    Ok(Response::new(pb::StatementResponse {
        from: s.from.to_string(),
        to: s.to.to_string(),
        currency: s.currency,
        opening_balance: s.opening_balance,
        entries: s.entries.into_iter().map(Into::into).collect(),
        closing_balance: s.closing_balance,
    }))
}
