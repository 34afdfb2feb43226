//! The organization's document types (`documents.manage` to change, `projects.view` to
//! read): a name, and whether documents of the type are approved before publishing.

use atrium_common::error::ApiError;
use atrium_common::roles::Permission;
use atrium_proto::documents::v1 as pb;
use axum::routing::{delete, get, patch, post};
use http::StatusCode;

use crate::api::Page;
use crate::api::documents::{DocumentType, DocumentTypePatch, NewDocumentType};
use crate::call;
use crate::extract::{Json, PathId, StaffCall};
use crate::routes::{Answer, Route};

#[rustfmt::skip]
pub fn routes() -> Vec<Route> {
    let (view, manage) = (Permission::ProjectsView, Permission::DocumentsManage);
    vec![
        Route::post("/api/admin/document-types", "Create a document type (the name is unique in the organization)", post(create))
            .staff(manage).body::<NewDocumentType>().answers::<DocumentType>(201)
            .errors(&["ALREADY_EXISTS"]),
        Route::get("/api/admin/document-types", "The organization's document types, by name", get(list))
            .staff(view).answers::<Page<DocumentType>>(200),
        Route::patch("/api/admin/document-types/{id}", "Rename a type or change whether it needs approval", patch(update))
            .staff(manage).body::<DocumentTypePatch>().answers::<DocumentType>(200)
            .errors(&["ALREADY_EXISTS"]),
        Route::delete("/api/admin/document-types/{id}", "Delete a type no document uses (else 409 CONFLICT)", delete(remove))
            .staff(manage).no_content().errors(&["CONFLICT"]),
    ]
}

pub(crate) async fn create(
    staff: StaffCall,
    Json(body): Json<NewDocumentType>,
) -> Result<(StatusCode, Json<DocumentType>), ApiError> {
    let request = pb::CreateDocumentTypeRequest {
        name: body.name,
        requires_approval: body.requires_approval,
    };
    let response = call!(staff, documents.create_document_type(request));
    let created = response.document_type.unwrap_or_default().into();
    Ok((StatusCode::CREATED, Json(created)))
}

pub(crate) async fn list(staff: StaffCall) -> Answer<Page<DocumentType>> {
    let response = call!(
        staff,
        documents.list_document_types(pb::ListDocumentTypesRequest {})
    );
    let items = response.items.into_iter().map(DocumentType::from);
    Ok(Json(Page::of(items, String::new())))
}

pub(crate) async fn update(
    staff: StaffCall,
    id: PathId,
    Json(body): Json<DocumentTypePatch>,
) -> Answer<DocumentType> {
    let request = pb::UpdateDocumentTypeRequest {
        document_type_id: id.to_string(),
        name: body.name.required("name", "cannot be null")?,
        requires_approval: body
            .requires_approval
            .required("requires_approval", "cannot be null")?,
    };
    let response = call!(staff, documents.update_document_type(request));
    Ok(Json(response.document_type.unwrap_or_default().into()))
}

pub(crate) async fn remove(staff: StaffCall, id: PathId) -> Result<StatusCode, ApiError> {
    let request = pb::DocumentTypeRequest {
        document_type_id: id.to_string(),
    };
    call!(staff, documents.delete_document_type(request));
    Ok(StatusCode::NO_CONTENT)
}
