//! `ApprovalService` (staff) and `CustomerApprovalService` (the signed-in customer):
//! deliverables, their revisions' files and their history.

use atrium_common::error::into_status;
use atrium_common::grpc::{Rpc, timestamp};
use atrium_common::page::Page;
use atrium_proto::portal::v1 as pb;
use tonic::{Request, Response};

use super::{Portal, acting, customer, customer_acting, staff};
use crate::approvals::files;
use crate::approvals::staff::{self as approvals, ApprovalPatch, NewApproval};
use crate::approvals::store::{EventRow, FileRow};
use crate::approvals::{self as mine, ApprovalView};

impl From<FileRow> for pb::ApprovalFile {
    fn from(f: FileRow) -> pb::ApprovalFile {
        pb::ApprovalFile {
            id: f.file_id.to_string(),
            name: f.name,
            size: f.size,
            content_type: f.content_type,
            revision: f.revision,
            sha256: f.sha256,
        }
    }
}

impl From<EventRow> for pb::ApprovalEvent {
    fn from(e: EventRow) -> pb::ApprovalEvent {
        pb::ApprovalEvent {
            at: Some(timestamp(e.at)),
            actor_kind: e.actor_kind,
            actor_id: e.actor_id.map(|id| id.to_string()).unwrap_or_default(),
            action: e.action.as_str().to_owned(),
            revision: e.revision,
            comment: e.comment,
        }
    }
}

fn encode(view: ApprovalView) -> pb::Approval {
    let viewed_at = view.viewed_at().map(timestamp);
    let row = view.row;
    pb::Approval {
        id: row.approval_id.to_string(),
        project_id: row.project_id.to_string(),
        title: row.title,
        description: row.description,
        status: row.status.as_str().to_owned(),
        revision: row.revision,
        due_on: row.due_on.unwrap_or_default(),
        files: view.files.into_iter().map(Into::into).collect(),
        created_by: row.created_by.to_string(),
        created_at: Some(timestamp(row.created_at)),
        updated_at: Some(timestamp(row.updated_at)),
        viewed_at,
        decided_at: row.decided_at.map(timestamp),
        history: view.history.into_iter().map(Into::into).collect(),
    }
}

/// A row of a list (no files, no history).
pub(super) fn listed(row: crate::approvals::store::ApprovalRow) -> pb::Approval {
    encode(ApprovalView {
        row,
        files: Vec::new(),
        history: Vec::new(),
    })
}

fn answer(view: ApprovalView) -> Response<pb::ApprovalResponse> {
    Response::new(pb::ApprovalResponse {
        approval: Some(encode(view)),
    })
}

fn page_answer(
    (views, next_page_token): (Vec<ApprovalView>, String),
) -> Response<pb::ListApprovalsResponse> {
    Response::new(pb::ListApprovalsResponse {
        items: views.into_iter().map(encode).collect(),
        next_page_token,
    })
}

#[tonic::async_trait]
impl pb::approval_service_server::ApprovalService for Portal {
    async fn create_approval(
        &self,
        request: Request<pb::CreateApprovalRequest>,
    ) -> Rpc<pb::ApprovalResponse> {
        let acting = acting(&request)?;
        let r = request.into_inner();
        let new = NewApproval {
            project_id: r.project_id,
            title: r.title,
            description: r.description,
            due_on: r.due_on,
        };
        Ok(answer(approvals::create(&self.0, &acting, new).await?))
    }

    async fn list_approvals(
        &self,
        request: Request<pb::ListApprovalsRequest>,
    ) -> Rpc<pb::ListApprovalsResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let page = Page::parse(r.page_size, &r.page_token).map_err(into_status)?;
        let found = approvals::list(&self.0, &principal, (&r.status, &r.project_id), page);
        Ok(page_answer(found.await?))
    }

    async fn get_approval(
        &self,
        request: Request<pb::ApprovalIdRequest>,
    ) -> Rpc<pb::ApprovalResponse> {
        let principal = staff(&request)?;
        let id = &request.get_ref().approval_id;
        Ok(answer(approvals::get(&self.0, &principal, id).await?))
    }

    async fn update_approval(
        &self,
        request: Request<pb::UpdateApprovalRequest>,
    ) -> Rpc<pb::ApprovalResponse> {
        let acting = acting(&request)?;
        let r = request.into_inner();
        let patch = ApprovalPatch {
            title: r.title,
            description: r.description,
            due_on: r.due_on,
        };
        let view = approvals::update(&self.0, &acting, &r.approval_id, patch).await?;
        Ok(answer(view))
    }

    async fn delete_approval(
        &self,
        request: Request<pb::ApprovalIdRequest>,
    ) -> Rpc<pb::DeleteApprovalResponse> {
        let acting = acting(&request)?;
        let id = &request.get_ref().approval_id;
        let files_deleted = files::delete(&self.0, &acting, id).await?;
        Ok(Response::new(pb::DeleteApprovalResponse { files_deleted }))
    }

    async fn attach_approval_file(
        &self,
        request: Request<pb::ApprovalFileRequest>,
    ) -> Rpc<pb::ApprovalResponse> {
        let acting = acting(&request)?;
        let r = request.get_ref();
        let view = files::attach(&self.0, &acting, (&r.approval_id, &r.file_id)).await?;
        Ok(answer(view))
    }

    async fn get_approval_file(
        &self,
        request: Request<pb::ApprovalFileRequest>,
    ) -> Rpc<pb::ApprovalFile> {
        let principal = staff(&request)?;
        let r = request.get_ref();
        let file = files::file(&self.0, &principal, (&r.approval_id, &r.file_id)).await?;
        Ok(Response::new(file.into()))
    }

    async fn submit_approval(
        &self,
        request: Request<pb::ApprovalIdRequest>,
    ) -> Rpc<pb::ApprovalResponse> {
        let acting = acting(&request)?;
        let id = &request.get_ref().approval_id;
        Ok(answer(approvals::submit(&self.0, &acting, id).await?))
    }

    async fn add_approval_revision(
        &self,
        request: Request<pb::ApprovalCommentRequest>,
    ) -> Rpc<pb::ApprovalResponse> {
        let acting = acting(&request)?;
        let r = request.get_ref();
        let view = approvals::revise(&self.0, &acting, &r.approval_id, &r.body).await?;
        Ok(answer(view))
    }

    async fn comment_on_approval(
        &self,
        request: Request<pb::ApprovalCommentRequest>,
    ) -> Rpc<pb::ApprovalResponse> {
        let acting = acting(&request)?;
        let r = request.get_ref();
        let view = approvals::comment(&self.0, &acting, &r.approval_id, &r.body).await?;
        Ok(answer(view))
    }
}

#[tonic::async_trait]
impl pb::customer_approval_service_server::CustomerApprovalService for Portal {
    async fn list_my_approvals(
        &self,
        request: Request<pb::ListApprovalsRequest>,
    ) -> Rpc<pb::ListApprovalsResponse> {
        let principal = customer(&request)?;
        let r = request.into_inner();
        let page = Page::parse(r.page_size, &r.page_token).map_err(into_status)?;
        Ok(page_answer(
            mine::list_mine(&self.0, &principal, &r.status, page).await?,
        ))
    }

    async fn get_my_approval(
        &self,
        request: Request<pb::ApprovalIdRequest>,
    ) -> Rpc<pb::ApprovalResponse> {
        let acting = customer_acting(&request)?;
        let id = &request.get_ref().approval_id;
        Ok(answer(mine::get_mine(&self.0, &acting, id).await?))
    }

    async fn get_my_approval_file(
        &self,
        request: Request<pb::ApprovalFileRequest>,
    ) -> Rpc<pb::ApprovalFile> {
        let principal = customer(&request)?;
        let r = request.get_ref();
        let file = mine::file_mine(&self.0, &principal, (&r.approval_id, &r.file_id)).await?;
        Ok(Response::new(file.into()))
    }

    async fn respond_to_approval(
        &self,
        request: Request<pb::RespondToApprovalRequest>,
    ) -> Rpc<pb::ApprovalResponse> {
        let acting = customer_acting(&request)?;
        let r = request.get_ref();
        let view = mine::respond(&self.0, &acting, &r.approval_id, (&r.decision, &r.comment));
        Ok(answer(view.await?))
    }

    async fn comment_on_my_approval(
        &self,
        request: Request<pb::ApprovalCommentRequest>,
    ) -> Rpc<pb::ApprovalResponse> {
        let acting = customer_acting(&request)?;
        let r = request.get_ref();
        let view = mine::comment_mine(&self.0, &acting, &r.approval_id, &r.body).await?;
        Ok(answer(view))
    }
}
