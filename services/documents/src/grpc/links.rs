//! `ShareLinkService`: share links made for staff who send a subject, opened and ended
//! by their holders, checked by the subject's owner, listed and revoked by staff.

use atrium_common::auth::{Principal, SubjectKind as Who};
use atrium_common::grpc::{Rpc, timestamp};
use atrium_common::ids::CustomerId;
use atrium_common::page::Page;
use atrium_proto::documents::v1 as pb;
use tonic::{Request, Response};
use uuid::Uuid;

use super::{Documents, staff};
use crate::error::DocumentsError;
use crate::links::store::{LinkRow, Whose};
use crate::links::{self, Subject, SubjectKind, Use};

impl From<LinkRow> for pb::ShareLink {
    fn from(row: LinkRow) -> pb::ShareLink {
        pb::ShareLink {
            id: row.link_id.to_string(),
            org_id: row.org_id.to_string(),
            customer_id: row.customer_id.to_string(),
            subject: Some(pb::LinkSubject {
                kind: row.subject_kind.as_str().to_owned(),
                id: row.subject_id.to_string(),
                extra: row.subject_extra,
            }),
            created_at: Some(timestamp(row.created_at)),
            expires_at: Some(timestamp(row.expires_at)),
            ended_at: row.ended_at.map(timestamp),
            revoked_at: row.revoked_at.map(timestamp),
            first_viewed_at: row.first_viewed_at.map(timestamp),
            last_viewed_at: row.last_viewed_at.map(timestamp),
            views: row.views,
            downloads: row.downloads,
        }
    }
}

fn subject(subject: Option<pb::LinkSubject>) -> Result<Subject, DocumentsError> {
    let subject = subject.unwrap_or_default();
    let kind = SubjectKind::parse(&subject.kind).ok_or(DocumentsError::InvalidField {
        field: "subject.kind",
        problem: "must be document, invoice, quote, credit_note, order or statement",
    })?;
    let id = Uuid::parse_str(&subject.id).map_err(|_| DocumentsError::InvalidField {
        field: "subject.id",
        problem: "must be a UUID",
    })?;
    Ok(Subject {
        kind,
        id,
        extra: subject.extra,
    })
}

fn customer_id(text: &str) -> Result<CustomerId, DocumentsError> {
    CustomerId::parse(text).ok_or(DocumentsError::InvalidField {
        field: "customer_id",
        problem: "must be a UUID",
    })
}

#[tonic::async_trait]
impl pb::share_link_service_server::ShareLinkService for Documents {
    async fn create_link(
        &self,
        request: Request<pb::CreateLinkRequest>,
    ) -> Rpc<pb::CreateLinkResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let about = subject(r.subject)?;
        let (row, token) =
            links::create(&self.0, &principal, customer_id(&r.customer_id)?, about).await?;
        Ok(Response::new(pb::CreateLinkResponse {
            link: Some(row.into()),
            token,
        }))
    }

    async fn open_link(&self, request: Request<pb::OpenLinkRequest>) -> Rpc<pb::ShareLink> {
        let r = request.get_ref();
        let counted = match r.count.as_str() {
            "view" => Use::View,
            "download" => Use::Download,
            _ => Use::Nothing,
        };
        let row = links::open(&self.0, &r.token, counted).await?;
        Ok(Response::new(row.into()))
    }

    async fn end_link(&self, request: Request<pb::LinkTokenRequest>) -> Rpc<pb::EndLinkResponse> {
        links::end(&self.0, &request.get_ref().token).await?;
        Ok(Response::new(pb::EndLinkResponse {}))
    }

    async fn find_link(&self, request: Request<pb::LinkTokenRequest>) -> Rpc<pb::FindLinkResponse> {
        let found = links::known(&self.0, &request.get_ref().token).await?;
        Ok(Response::new(pb::FindLinkResponse {
            found: found.is_some(),
            link: found.map(Into::into),
        }))
    }

    async fn renew_link(
        &self,
        request: Request<pb::LinkTokenRequest>,
    ) -> Rpc<pb::CreateLinkResponse> {
        let holder = Principal::require(&request, Who::Customer)?;
        let (row, token) = links::renew(&self.0, &holder, &request.get_ref().token).await?;
        Ok(Response::new(pb::CreateLinkResponse {
            link: Some(row.into()),
            token,
        }))
    }

    async fn create_my_link(
        &self,
        request: Request<pb::CreateLinkRequest>,
    ) -> Rpc<pb::CreateLinkResponse> {
        let holder = Principal::require(&request, Who::Customer)?;
        let about = subject(request.into_inner().subject)?;
        let (row, token) = links::create_mine(&self.0, &holder, about).await?;
        Ok(Response::new(pb::CreateLinkResponse {
            link: Some(row.into()),
            token,
        }))
    }

    async fn check_link(&self, request: Request<pb::CheckLinkRequest>) -> Rpc<pb::ShareLink> {
        let holder = Principal::require(&request, Who::Customer)?;
        let row = links::check(&self.0, &holder, &request.get_ref().link_id).await?;
        Ok(Response::new(row.into()))
    }

    async fn list_links(
        &self,
        request: Request<pb::ListLinksRequest>,
    ) -> Rpc<pb::ListLinksResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let whose = match r.subject {
            Some(about) => {
                let about = subject(Some(about))?;
                Whose::Subject(about.kind, about.id)
            }
            None => Whose::Customer(customer_id(&r.customer_id)?),
        };
        let page = Page::parse(r.page_size, &r.page_token).map_err(DocumentsError::Page)?;
        let (rows, next_page_token) = links::list(&self.0, &principal, whose, page).await?;
        Ok(Response::new(pb::ListLinksResponse {
            items: rows.into_iter().map(Into::into).collect(),
            next_page_token,
        }))
    }

    async fn revoke_link(
        &self,
        request: Request<pb::RevokeLinkRequest>,
    ) -> Rpc<pb::RevokeLinkResponse> {
        let principal = staff(&request)?;
        links::revoke(&self.0, &principal, &request.get_ref().link_id).await?;
        Ok(Response::new(pb::RevokeLinkResponse {}))
    }

    async fn revoke_customer_links(
        &self,
        request: Request<pb::RevokeCustomerLinksRequest>,
    ) -> Rpc<pb::RevokeLinkResponse> {
        let r = request.get_ref();
        let org =
            atrium_common::ids::OrgId::parse(&r.org_id).ok_or(DocumentsError::InvalidField {
                field: "org_id",
                problem: "must be a UUID",
            })?;
        let revoked = links::revoke_customer(&self.0, (org, customer_id(&r.customer_id)?)).await?;
        tracing::info!(customer_id = %r.customer_id, revoked, "a deactivated customer's links revoked");
        Ok(Response::new(pb::RevokeLinkResponse {}))
    }
}
