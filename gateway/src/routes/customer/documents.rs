//! The customer's documents: the published ones of their projects, with the project's
//! assignment checked on every request (403 `CUSTOMER_ASSIGNMENT_REVOKED` once it is
//! taken away); downloads go into the log staff read.

use atrium_common::error::ApiError;
use atrium_proto::documents::v1 as pb;
use axum::response::Response;
use axum::routing::get;
use http::{HeaderMap, Method};

use crate::api::documents::CustomerDocument;
use crate::api::{Page, PageQuery};
use crate::call;
use crate::extract::{CustomerCall, Json, PathId, Query};
use crate::routes::files::{self, Disposition};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let revoked = ["CUSTOMER_ASSIGNMENT_REVOKED"];
    vec![
        Route::get("/api/customer/projects/{id}/documents", "The project's published documents, newest publication first", get(list))
            .customer().query::<PageQuery>().answers::<Page<CustomerDocument>>(200).errors(&revoked),
        Route::get("/api/customer/documents/{id}", "One published document", get(read))
            .customer().answers::<CustomerDocument>(200).errors(&revoked),
        Route::get("/api/customer/documents/{id}/download", "The document's file (recorded in its download log)", get(download))
            .customer().file().errors(&["CUSTOMER_ASSIGNMENT_REVOKED", "CONFLICT"]),
    ]
}

fn document_request(PathId(id): &PathId) -> pb::DocumentRequest {
    pb::DocumentRequest {
        document_id: id.to_string(),
        link_id: String::new(),
    }
}

pub(crate) async fn list(
    customer: CustomerCall,
    PathId(project_id): PathId,
    Query(query): Query<PageQuery>,
) -> Answer<Page<CustomerDocument>> {
    let (page_size, page_token) = query.paging.size_and_token()?;
    let request = pb::ListMyDocumentsRequest {
        project_id: project_id.to_string(),
        page_size,
        page_token,
    };
    let response = call!(customer, my_documents.list_my_documents(request));
    let items = response.items.into_iter().map(CustomerDocument::from);
    Ok(Json(Page::of(items, response.next_page_token)))
}

pub(crate) async fn read(customer: CustomerCall, id: PathId) -> Answer<CustomerDocument> {
    let response = call!(
        customer,
        my_documents.get_my_document(document_request(&id))
    );
    Ok(Json(response.document.unwrap_or_default().into()))
}

pub(crate) async fn download(
    customer: CustomerCall,
    id: PathId,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let found = call!(
        customer,
        my_documents.get_my_document(document_request(&id))
    );
    let file = found.document.unwrap_or_default().file.unwrap_or_default();
    let customer = &customer;
    files::answer(
        &method,
        &headers,
        (file, Disposition::Attachment),
        |range| {
            let request = pb::DownloadMyDocumentRequest {
                document_id: id.to_string(),
                range,
                link_id: String::new(),
            };
            async move { Ok(call!(customer, my_documents.download_my_document(request))) }
        },
    )
    .await
}
