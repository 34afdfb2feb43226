//! `ProjectCommentService`: staff's and the signed-in customer's project comments.

use atrium_common::grpc::{Rpc, timestamp};
use atrium_proto::portal::v1 as pb;
use tonic::{Request, Response};

use super::{Portal, acting, customer, customer_acting, staff};
use crate::comments::{self, CommentRow};

impl From<CommentRow> for pb::ProjectComment {
    fn from(c: CommentRow) -> pb::ProjectComment {
        pb::ProjectComment {
            id: c.comment_id.to_string(),
            author_kind: c.author_kind,
            author_id: c.author_id.map(|id| id.to_string()).unwrap_or_default(),
            body: c.body,
            created_at: Some(timestamp(c.created_at)),
        }
    }
}

fn listed(rows: Vec<CommentRow>) -> Response<pb::ListCommentsResponse> {
    Response::new(pb::ListCommentsResponse {
        items: rows.into_iter().map(Into::into).collect(),
    })
}

#[tonic::async_trait]
impl pb::project_comment_service_server::ProjectCommentService for Portal {
    async fn list_project_comments(
        &self,
        request: Request<pb::ProjectRequest>,
    ) -> Rpc<pb::ListCommentsResponse> {
        let principal = staff(&request)?;
        let rows = comments::list(&self.0, &principal, &request.get_ref().project_id).await?;
        Ok(listed(rows))
    }

    async fn add_project_comment(
        &self,
        request: Request<pb::AddCommentRequest>,
    ) -> Rpc<pb::ProjectComment> {
        let acting = acting(&request)?;
        let r = request.get_ref();
        let row = comments::add(&self.0, &acting, &r.project_id, &r.body).await?;
        Ok(Response::new(row.into()))
    }

    async fn list_my_project_comments(
        &self,
        request: Request<pb::ProjectRequest>,
    ) -> Rpc<pb::ListCommentsResponse> {
        let principal = customer(&request)?;
        let rows = comments::list(&self.0, &principal, &request.get_ref().project_id).await?;
        Ok(listed(rows))
    }

    async fn add_my_project_comment(
        &self,
        request: Request<pb::AddCommentRequest>,
    ) -> Rpc<pb::ProjectComment> {
        let acting = customer_acting(&request)?;
        let r = request.get_ref();
        let row = comments::add(&self.0, &acting, &r.project_id, &r.body).await?;
        Ok(Response::new(row.into()))
    }
}
