//! Staff and approvals (design/collaboration.md): a draft on a project, files on its
//! current revision (streamed to the documents service with the approval as owner, then
//! recorded by the portal), submit, new revisions, replies, edits, deletion with the
//! files, and the files' downloads.

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::documents::v1 as documents;
use atrium_proto::portal::v1 as pb;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{delete, get, patch, post};
use http::{HeaderMap, Method, StatusCode};

use crate::api::Page;
use crate::api::approvals::{
    Approval, ApprovalFilter, ApprovalPatch, NewApproval, NewApprovalFile, NewRevision, named, one,
};
use crate::api::comments::NewComment;
use crate::call;
use crate::extract::{ActsFor, Json, PathId, Query, StaffCall, Upload, path_id};
use crate::routes::files::{self, Disposition};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let (view, manage) = (Permission::ProjectsView, Permission::ProjectsManage);
    let steps = ["INVALID_TRANSITION", "APPROVAL_ALREADY_DECIDED", "CONFLICT"];
    vec![
        Route::post("/api/admin/projects/{id}/approvals", "A draft approval on the project (revision 1)", post(create))
            .staff(manage).body::<NewApproval>().answers::<Approval>(201),
        Route::get("/api/admin/approvals", "The organization's approvals (status, project_id), newest first", get(list))
            .staff(view).query::<ApprovalFilter>().answers::<Page<Approval>>(200),
        Route::get("/api/admin/approvals/{id}", "One approval with its files and history", get(read))
            .staff(view).answers::<Approval>(200),
        Route::patch("/api/admin/approvals/{id}", "Change an approval's title, description or due date (null: none)", patch(update))
            .staff(manage).body::<ApprovalPatch>().answers::<Approval>(200).errors(&["CONFLICT"]),
        Route::delete("/api/admin/approvals/{id}", "Delete an approval with its files and history", delete(remove))
            .staff(manage).no_content(),
        Route::post("/api/admin/approvals/{id}/files", "Attach a file (multipart file) to the current revision (not once approved)", post(attach))
            .staff(manage).upload::<NewApprovalFile>().answers::<Approval>(201).errors(&steps),
        Route::get("/api/admin/approvals/{id}/files/{file_id}", "Download one of the approval's files", get(download))
            .staff(view).file().errors(&["CONFLICT"]),
        Route::post("/api/admin/approvals/{id}/submit", "Ask the project's customers: draft → pending (at least one file, else 422)", post(submit))
            .staff(manage).answers::<Approval>(200).errors(&steps).errors(&["VALIDATION_FAILED"]),
        Route::post("/api/admin/approvals/{id}/revisions", "A new revision (from pending or changes_requested): revision + 1, pending, the customers asked again; attach its files next", post(revise))
            .staff(manage).body::<NewRevision>().answers::<Approval>(201).errors(&steps),
        Route::post("/api/admin/approvals/{id}/comments", "Reply on the approval; its customers are told in-app", post(comment))
            .staff(manage).body::<NewComment>().answers::<Approval>(201),
    ]
}

fn by_id(PathId(id): &PathId) -> pb::ApprovalIdRequest {
    pb::ApprovalIdRequest {
        approval_id: id.to_string(),
    }
}

pub(crate) async fn create(
    staff: StaffCall,
    PathId(project_id): PathId,
    Json(body): Json<NewApproval>,
) -> Result<(StatusCode, Json<Approval>), ApiError> {
    let request = pb::CreateApprovalRequest {
        project_id: project_id.to_string(),
        title: body.title,
        description: body.description.unwrap_or_default(),
        due_on: body.due_on.unwrap_or_default(),
    };
    let response = call!(staff, approvals.create_approval(request));
    Ok((StatusCode::CREATED, Json(one(&staff, response).await?)))
}

pub(crate) async fn list(
    staff: StaffCall,
    Query(filter): Query<ApprovalFilter>,
) -> Answer<Page<Approval>> {
    let response = call!(staff, approvals.list_approvals(filter.request()?));
    let items = named(&staff, response.items, false).await?;
    Ok(Json(Page::of(items, response.next_page_token)))
}

pub(crate) async fn read(staff: StaffCall, id: PathId) -> Answer<Approval> {
    let response = call!(staff, approvals.get_approval(by_id(&id)));
    Ok(Json(one(&staff, response).await?))
}

pub(crate) async fn update(
    staff: StaffCall,
    PathId(id): PathId,
    Json(body): Json<ApprovalPatch>,
) -> Answer<Approval> {
    let response = call!(
        staff,
        approvals.update_approval(body.request(id.to_string()))
    );
    Ok(Json(one(&staff, response).await?))
}

pub(crate) async fn remove(staff: StaffCall, id: PathId) -> Result<StatusCode, ApiError> {
    call!(staff, approvals.delete_approval(by_id(&id)));
    Ok(StatusCode::NO_CONTENT)
}

fn chunk(bytes: Vec<u8>) -> documents::PutFileRequest {
    documents::PutFileRequest {
        part: Some(documents::put_file_request::Part::Chunk(bytes)),
    }
}

/// Streams the file to the documents service as the approval's, then has the portal
/// record it on the current revision. The approval is read first, so a file for a
/// missing or approved one is never stored.
pub(crate) async fn attach(
    staff: StaffCall,
    id: PathId,
    upload: Upload<NewApprovalFile>,
) -> Result<(StatusCode, Json<Approval>), ApiError> {
    let made = attach_upload(&staff, id, upload).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// [`attach`] for any upload's fields (the console's form carries its CSRF token).
pub(crate) async fn attach_upload<T>(
    staff: &StaffCall,
    id: PathId,
    upload: Upload<T>,
) -> Result<Approval, ApiError> {
    let found = call!(staff, approvals.get_approval(by_id(&id)));
    if found.approval.is_some_and(|a| a.status == "approved") {
        return Err(ApiError::with_code(
            StatusCode::CONFLICT,
            "APPROVAL_ALREADY_DECIDED",
            "this approval is already decided",
        ));
    }
    let header = documents::PutFileRequest {
        part: Some(documents::put_file_request::Part::Header(
            documents::FileHeader {
                owner: Some(documents::FileOwner {
                    kind: "approval".to_owned(),
                    id: id.0.to_string(),
                }),
                file_name: upload.file_name.clone(),
            },
        )),
    };
    let (messages, failed) = upload.into_messages(header, chunk);
    let request = staff.session.request(messages);
    let mut client = staff.state.clients.files.clone();
    let stored = tokio::select! {
        answer = client.put_file(request) => answer?.into_inner(),
        err = failed.error() => return Err(err),
    };
    let request = pb::ApprovalFileRequest {
        approval_id: id.0.to_string(),
        file_id: stored.id,
    };
    let response = call!(staff, approvals.attach_approval_file(request));
    one(staff, response).await
}

/// The approval and file ids of `/…/{id}/files/{file_id}`; any other text is 404.
pub(crate) fn file_request(
    (approval, file): &(String, String),
) -> Result<pb::ApprovalFileRequest, ApiError> {
    Ok(pb::ApprovalFileRequest {
        approval_id: path_id(approval)?.to_string(),
        file_id: path_id(file)?.to_string(),
    })
}

/// A file's description as the downloads answer it.
pub(crate) fn file_info(file: pb::ApprovalFile) -> documents::FileInfo {
    documents::FileInfo {
        name: file.name,
        size: file.size,
        content_type: file.content_type,
        sha256: file.sha256,
    }
}

/// Sends the bytes of the file the portal described, read as the caller.
pub(crate) async fn send_file<S: ActsFor>(
    call: &crate::extract::Call<S>,
    (method, headers): (&Method, &HeaderMap),
    file: pb::ApprovalFile,
) -> Result<Response, ApiError> {
    let file_id = file.id.clone();
    files::answer(
        method,
        headers,
        (file_info(file), Disposition::Attachment),
        |range| {
            let request = documents::ReadFileRequest { file_id, range };
            async move { Ok(call!(call, files.read_file(request))) }
        },
    )
    .await
}

pub(crate) async fn download(
    staff: StaffCall,
    Path(ids): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let file = call!(staff, approvals.get_approval_file(file_request(&ids)?));
    send_file(&staff, (&method, &headers), file).await
}

pub(crate) async fn submit(staff: StaffCall, id: PathId) -> Answer<Approval> {
    let response = call!(staff, approvals.submit_approval(by_id(&id)));
    Ok(Json(one(&staff, response).await?))
}

pub(crate) async fn revise(
    staff: StaffCall,
    PathId(id): PathId,
    Json(body): Json<NewRevision>,
) -> Result<(StatusCode, Json<Approval>), ApiError> {
    let request = pb::ApprovalCommentRequest {
        approval_id: id.to_string(),
        body: body.comment.unwrap_or_default(),
    };
    let response = call!(staff, approvals.add_approval_revision(request));
    Ok((StatusCode::CREATED, Json(one(&staff, response).await?)))
}

pub(crate) async fn comment(
    staff: StaffCall,
    PathId(id): PathId,
    Json(body): Json<NewComment>,
) -> Result<(StatusCode, Json<Approval>), ApiError> {
    let request = pb::ApprovalCommentRequest {
        approval_id: id.to_string(),
        body: body.body,
    };
    let response = call!(staff, approvals.comment_on_approval(request));
    Ok((StatusCode::CREATED, Json(one(&staff, response).await?)))
}
