//! `RequestService` (staff) and `CustomerRequestService` (the signed-in customer): job
//! requests and support tickets with their threads.

use atrium_common::error::into_status;
use atrium_common::grpc::{Rpc, timestamp};
use atrium_common::page::Page;
use atrium_proto::portal::v1 as pb;
use tonic::{Request, Response};

use super::{Portal, acting, customer, customer_acting, staff};
use crate::requests::staff::{self as requests, ListQuery, RequestChange};
use crate::requests::store::{MessageRow, RequestRow};
use crate::requests::{self as mine, NewRequest, RequestView};

fn encode(row: RequestRow) -> pb::CustomerRequest {
    pb::CustomerRequest {
        id: row.request_id.to_string(),
        number: row.number,
        r#type: row.request_type.as_str().to_owned(),
        category: row.category,
        title: row.title,
        description: row.description,
        priority: row.priority.as_str().to_owned(),
        status: row.status.as_str().to_owned(),
        customer_id: row.customer_id.to_string(),
        project_id: row.project_id.map(|p| p.to_string()).unwrap_or_default(),
        assignee_id: row.assignee_id.map(|s| s.to_string()).unwrap_or_default(),
        created_at: Some(timestamp(row.created_at)),
        updated_at: Some(timestamp(row.updated_at)),
        first_response_at: row.first_response_at.map(timestamp),
        closed_at: row.closed_at.map(timestamp),
        messages: Vec::new(),
    }
}

impl From<MessageRow> for pb::RequestMessage {
    fn from(m: MessageRow) -> pb::RequestMessage {
        pb::RequestMessage {
            id: m.message_id.to_string(),
            author_kind: m.author_kind,
            author_id: m.author_id.map(|id| id.to_string()).unwrap_or_default(),
            body: m.body,
            internal: m.internal,
            created_at: Some(timestamp(m.created_at)),
        }
    }
}

fn answer(view: RequestView) -> Response<pb::RequestResponse> {
    let mut request = encode(view.row);
    request.messages = view.messages.into_iter().map(Into::into).collect();
    Response::new(pb::RequestResponse {
        request: Some(request),
    })
}

fn page_answer(
    (rows, next_page_token): (Vec<RequestRow>, String),
) -> Response<pb::ListRequestsResponse> {
    Response::new(pb::ListRequestsResponse {
        items: rows.into_iter().map(encode).collect(),
        next_page_token,
    })
}

#[tonic::async_trait]
impl pb::request_service_server::RequestService for Portal {
    async fn list_requests(
        &self,
        request: Request<pb::ListRequestsRequest>,
    ) -> Rpc<pb::ListRequestsResponse> {
        let principal = staff(&request)?;
        let r = request.into_inner();
        let page = Page::parse(r.page_size, &r.page_token).map_err(into_status)?;
        let query = ListQuery {
            status: r.status,
            request_type: r.r#type,
            priority: r.priority,
            assignee_id: r.assignee_id,
            customer_id: r.customer_id,
            project_id: r.project_id,
            q: r.q,
        };
        Ok(page_answer(
            requests::list(&self.0, &principal, &query, page).await?,
        ))
    }

    async fn get_request(
        &self,
        request: Request<pb::RequestIdRequest>,
    ) -> Rpc<pb::RequestResponse> {
        let principal = staff(&request)?;
        let view = requests::get(&self.0, &principal, &request.get_ref().request_id).await?;
        Ok(answer(view))
    }

    async fn update_request(
        &self,
        request: Request<pb::UpdateRequestRequest>,
    ) -> Rpc<pb::RequestResponse> {
        let acting = acting(&request)?;
        let r = request.into_inner();
        let change = RequestChange {
            status: r.status,
            priority: r.priority,
            category: r.category,
            assignee_id: r.assignee_id,
            project_id: r.project_id,
        };
        Ok(answer(
            requests::update(&self.0, &acting, &r.request_id, change).await?,
        ))
    }

    async fn add_request_message(
        &self,
        request: Request<pb::AddRequestMessageRequest>,
    ) -> Rpc<pb::RequestResponse> {
        let acting = acting(&request)?;
        let r = request.get_ref();
        let said = (r.body.as_str(), r.internal);
        Ok(answer(
            requests::reply(&self.0, &acting, &r.request_id, said).await?,
        ))
    }

    async fn get_request_stats(
        &self,
        request: Request<pb::RequestStatsRequest>,
    ) -> Rpc<pb::RequestStatsResponse> {
        let principal = staff(&request)?;
        let r = request.get_ref();
        let found = crate::requests::stats::of(&self.0, &principal, (&r.from, &r.to)).await?;
        Ok(Response::new(pb::RequestStatsResponse {
            items: found
                .into_iter()
                .map(|(kind, s)| pb::RequestTypeStats {
                    r#type: kind.as_str().to_owned(),
                    opened: s.opened,
                    closed: s.closed,
                    median_first_response_secs: s.median_first_response_secs,
                    median_resolution_secs: s.median_resolution_secs,
                })
                .collect(),
        }))
    }
}

#[tonic::async_trait]
impl pb::customer_request_service_server::CustomerRequestService for Portal {
    async fn create_my_request(
        &self,
        request: Request<pb::CreateMyRequestRequest>,
    ) -> Rpc<pb::RequestResponse> {
        let acting = customer_acting(&request)?;
        let r = request.into_inner();
        let new = NewRequest {
            request_type: r.r#type,
            category: r.category,
            title: r.title,
            description: r.description,
            priority: r.priority,
            project_id: r.project_id,
        };
        Ok(answer(mine::create(&self.0, &acting, new).await?))
    }

    async fn list_my_requests(
        &self,
        request: Request<pb::ListRequestsRequest>,
    ) -> Rpc<pb::ListRequestsResponse> {
        let principal = customer(&request)?;
        let r = request.into_inner();
        let page = Page::parse(r.page_size, &r.page_token).map_err(into_status)?;
        let asked = (r.status.as_str(), r.r#type.as_str());
        Ok(page_answer(
            mine::list_mine(&self.0, &principal, asked, page).await?,
        ))
    }

    async fn get_my_request(
        &self,
        request: Request<pb::RequestIdRequest>,
    ) -> Rpc<pb::RequestResponse> {
        let principal = customer(&request)?;
        let view = mine::get_mine(&self.0, &principal, &request.get_ref().request_id).await?;
        Ok(answer(view))
    }

    async fn add_my_request_message(
        &self,
        request: Request<pb::AddRequestMessageRequest>,
    ) -> Rpc<pb::RequestResponse> {
        let acting = customer_acting(&request)?;
        let r = request.get_ref();
        Ok(answer(
            mine::reply_mine(&self.0, &acting, &r.request_id, &r.body).await?,
        ))
    }

    async fn close_my_request(
        &self,
        request: Request<pb::RequestIdRequest>,
    ) -> Rpc<pb::RequestResponse> {
        let acting = customer_acting(&request)?;
        let id = &request.get_ref().request_id;
        Ok(answer(mine::close_mine(&self.0, &acting, id).await?))
    }
}
