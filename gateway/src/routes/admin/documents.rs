//! Staff and a project's documents (`design/documents.md`): upload (streamed), list and
//! search, read with history, edit, new version, the workflow moves, download, the
//! download log, delete.

use std::collections::HashMap;

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::documents::v1 as pb;
use atrium_proto::identity::v1 as identity;
use axum::response::Response;
use axum::routing::{delete, get, patch, post, put};
use http::{HeaderMap, Method, StatusCode};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::api::documents::{
    Document, DocumentPatch, DownloadCustomer, DownloadEntry, NewDocument, NewVersion, Rejection,
};
use crate::api::{Id, Page, Paging, text, time};
use crate::call;
use crate::extract::{ActsFor, Json, PathId, Query, StaffCall, Upload};
use crate::routes::files::{self, Disposition};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let (view, manage) = (Permission::ProjectsView, Permission::DocumentsManage);
    let moves = [
        ("/api/admin/documents/{id}/submit", "Submit a draft for approval (draft → pending)", post(|s: StaffCall, id: PathId| transition(s, id, "submit"))),
        ("/api/admin/documents/{id}/approve", "Approve a pending document (pending → approved)", post(|s: StaffCall, id: PathId| transition(s, id, "approve"))),
        ("/api/admin/documents/{id}/reopen", "Reopen a rejected document (rejected → draft)", post(|s: StaffCall, id: PathId| transition(s, id, "reopen"))),
        ("/api/admin/documents/{id}/publish", "Publish: approved → published, or draft → published when its type needs no approval (else 409 APPROVAL_REQUIRED)", post(|s: StaffCall, id: PathId| transition(s, id, "publish"))),
        ("/api/admin/documents/{id}/unpublish", "Take a published document back to draft", post(|s: StaffCall, id: PathId| transition(s, id, "unpublish"))),
    ];
    let mut routes = vec![
        Route::post("/api/admin/projects/{id}/documents", "Upload a document (multipart: title?, description?, document_type_id?, then file): draft, version 1", post(create))
            .staff(manage).upload::<NewDocument>().answers::<Document>(201),
        Route::get("/api/admin/projects/{id}/documents", "The project's documents (status, q), newest first", get(list))
            .staff(view).query::<DocumentFilter>().answers::<Page<Document>>(200),
        Route::get("/api/admin/documents/{id}", "One document with its history", get(read))
            .staff(view).answers::<Document>(200),
        Route::patch("/api/admin/documents/{id}", "Edit a document's title, description or type (absent: unchanged)", patch(update))
            .staff(manage).body::<DocumentPatch>().answers::<Document>(200),
        Route::delete("/api/admin/documents/{id}", "Delete a document with its file, history and download log", delete(remove))
            .staff(manage).no_content(),
        Route::put("/api/admin/documents/{id}/file", "A new version (multipart file): version + 1, back to draft", put(replace_file))
            .staff(manage).upload::<NewVersion>().answers::<Document>(200).errors(&["INVALID_TRANSITION"]),
        Route::post("/api/admin/documents/{id}/reject", "Reject a pending document with a reason (pending → rejected)", post(reject))
            .staff(manage).body::<Rejection>().answers::<Document>(200).errors(&["INVALID_TRANSITION"]),
        Route::get("/api/admin/documents/{id}/download", "The document's current file", get(download))
            .staff(view).file().errors(&["CONFLICT"]),
        Route::get("/api/admin/documents/{id}/downloads", "Who downloaded the document, newest first (also needs customers.view)", get(downloads))
            .staff(view).answers::<Page<DownloadEntry>>(200),
    ];
    for (path, summary, handler) in moves {
        routes.push(
            Route::post(path, summary, handler)
                .staff(manage).answers::<Document>(200)
                .errors(&["INVALID_TRANSITION", "APPROVAL_REQUIRED"]),
        );
    }
    routes
}

/// The filters of a project's document list.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub(crate) struct DocumentFilter {
    #[schemars(extend("enum" = ["draft", "pending", "approved", "published", "rejected"]))]
    pub status: Option<String>,
    /// A case-insensitive substring of the title, description or file name.
    pub q: Option<String>,
    #[serde(flatten)]
    pub paging: Paging,
}

fn document_request(PathId(id): &PathId) -> pb::DocumentRequest {
    pb::DocumentRequest {
        document_id: id.to_string(),
        link_id: String::new(),
    }
}

fn chunk(bytes: Vec<u8>) -> pb::UploadDocumentRequest {
    pb::UploadDocumentRequest {
        part: Some(pb::upload_document_request::Part::Chunk(bytes)),
    }
}

/// Streams an upload to the service (`replace`: as a new version of `header`'s
/// document); a body that breaks off drops the call, so nothing is kept.
pub(crate) async fn send_upload<T>(
    staff: &StaffCall,
    header: pb::DocumentHeader,
    upload: Upload<T>,
    replace: bool,
) -> Result<pb::Document, ApiError> {
    let header = pb::UploadDocumentRequest {
        part: Some(pb::upload_document_request::Part::Header(header)),
    };
    let (messages, failed) = upload.into_messages(header, chunk);
    let request = staff.session.request(messages);
    let mut client = staff.state.clients.documents.clone();
    let call = async move {
        if replace {
            client.replace_document_file(request).await
        } else {
            client.upload_document(request).await
        }
    };
    let answer = tokio::select! {
        answer = call => answer?.into_inner(),
        err = failed.error() => return Err(err),
    };
    Ok(answer.document.unwrap_or_default())
}

/// The names of the staff in the history, for its `actor.name` (inactive: empty).
pub(crate) async fn with_names(staff: &StaffCall, d: pb::Document) -> Result<Document, ApiError> {
    let mut ids: Vec<String> = d
        .history
        .iter()
        .filter_map(|h| h.actor.as_ref())
        .filter(|a| a.kind == "staff" && !a.id.is_empty())
        .map(|a| a.id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    let names: HashMap<String, String> = if ids.is_empty() {
        HashMap::new()
    } else {
        let found = call!(
            staff,
            customers.lookup_staff(identity::LookupStaffRequest { staff_ids: ids })
        );
        found.staff.into_iter().map(|s| (s.id, s.name)).collect()
    };
    Ok(Document::of(d, true, |id| {
        names.get(id).cloned().unwrap_or_default()
    }))
}

pub(crate) async fn create(
    staff: StaffCall,
    PathId(project_id): PathId,
    upload: Upload<NewDocument>,
) -> Result<(StatusCode, Json<Document>), ApiError> {
    let fields = &upload.fields;
    let header = pb::DocumentHeader {
        project_id: project_id.to_string(),
        title: fields.title.clone().unwrap_or_default(),
        description: fields.description.clone().unwrap_or_default(),
        file_name: upload.file_name.clone(),
        document_type_id: fields.document_type_id.clone().unwrap_or_default(),
        document_id: String::new(),
    };
    let document = send_upload(&staff, header, upload, false).await?;
    Ok((
        StatusCode::CREATED,
        Json(with_names(&staff, document).await?),
    ))
}

pub(crate) async fn list(
    staff: StaffCall,
    PathId(project_id): PathId,
    Query(filter): Query<DocumentFilter>,
) -> Answer<Page<Document>> {
    let (page_size, page_token) = filter.paging.size_and_token()?;
    let request = pb::ListDocumentsRequest {
        project_id: project_id.to_string(),
        status: filter.status.unwrap_or_default(),
        q: filter.q.unwrap_or_default(),
        page_size,
        page_token,
    };
    let response = call!(staff, documents.list_documents(request));
    let items = response
        .items
        .into_iter()
        .map(|d| Document::of(d, false, |_| String::new()));
    Ok(Json(Page::of(items, response.next_page_token)))
}

pub(crate) async fn read(staff: StaffCall, id: PathId) -> Answer<Document> {
    let response = call!(staff, documents.get_document(document_request(&id)));
    Ok(Json(
        with_names(&staff, response.document.unwrap_or_default()).await?,
    ))
}

pub(crate) async fn update(
    staff: StaffCall,
    id: PathId,
    Json(body): Json<DocumentPatch>,
) -> Answer<Document> {
    let request = body.into_request(id.to_string())?;
    let response = call!(staff, documents.update_document(request));
    Ok(Json(
        with_names(&staff, response.document.unwrap_or_default()).await?,
    ))
}

pub(crate) async fn remove(staff: StaffCall, id: PathId) -> Result<StatusCode, ApiError> {
    call!(staff, documents.delete_document(document_request(&id)));
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn replace_file(
    staff: StaffCall,
    PathId(id): PathId,
    upload: Upload<NewVersion>,
) -> Answer<Document> {
    let header = pb::DocumentHeader {
        document_id: id.to_string(),
        file_name: upload.file_name.clone(),
        ..pb::DocumentHeader::default()
    };
    let document = send_upload(&staff, header, upload, true).await?;
    Ok(Json(with_names(&staff, document).await?))
}

pub(crate) async fn transition(staff: StaffCall, id: PathId, action: &str) -> Answer<Document> {
    let request = pb::TransitionDocumentRequest {
        document_id: id.to_string(),
        action: action.to_owned(),
        reason: String::new(),
    };
    let response = call!(staff, documents.transition_document(request));
    Ok(Json(
        with_names(&staff, response.document.unwrap_or_default()).await?,
    ))
}

pub(crate) async fn reject(
    staff: StaffCall,
    id: PathId,
    Json(body): Json<Rejection>,
) -> Answer<Document> {
    let request = pb::TransitionDocumentRequest {
        document_id: id.to_string(),
        action: "reject".to_owned(),
        reason: body.reason,
    };
    let response = call!(staff, documents.transition_document(request));
    Ok(Json(
        with_names(&staff, response.document.unwrap_or_default()).await?,
    ))
}

pub(crate) async fn download(
    staff: StaffCall,
    id: PathId,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let found = call!(staff, documents.get_document(document_request(&id)));
    let file = found.document.unwrap_or_default().file.unwrap_or_default();
    let staff = &staff;
    files::answer(
        &method,
        &headers,
        (file, Disposition::Attachment),
        |range| {
            let request = pb::DownloadDocumentRequest {
                document_id: id.to_string(),
                range,
            };
            async move { Ok(call!(staff, documents.download_document(request))) }
        },
    )
    .await
}

pub(crate) async fn downloads(staff: StaffCall, id: PathId) -> Answer<Page<DownloadEntry>> {
    staff.require(Permission::CustomersView)?;
    let log = call!(staff, documents.list_downloads(document_request(&id)));
    let mut ids: Vec<String> = log
        .items
        .iter()
        .filter(|d| !d.customer_id.is_empty())
        .map(|d| d.customer_id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    let customers: HashMap<String, identity::Customer> = if ids.is_empty() {
        HashMap::new()
    } else {
        let request = identity::LookupCustomersRequest { customer_ids: ids };
        let found = call!(staff, customers.lookup_customers(request));
        found
            .customers
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect()
    };
    let items = log.items.into_iter().map(|d| DownloadEntry {
        at: time(d.at.as_ref()),
        customer: customers.get(&d.customer_id).map(|c| DownloadCustomer {
            id: Id(c.id.clone()),
            name: c.name.clone(),
            email: c.email.clone(),
        }),
        link_id: text(&d.link_id).map(Id),
        ip: d.ip,
    });
    Ok(Json(Page::of(items, String::new())))
}
