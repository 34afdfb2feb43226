//! The organization's document types: a name, and whether a document of the type needs
//! approval before it is published. A type in use cannot be deleted.

pub mod store;

use atrium_common::auth::Principal;
use atrium_common::db::is_unique_violation;
use atrium_common::ids::DocumentTypeId;

use crate::AppState;
use crate::error::DocumentsError;
use store::TypeRow;

fn name(text: &str) -> Result<String, DocumentsError> {
    let name = text.trim();
    let problem = if name.is_empty() {
        "is required"
    } else if name.chars().count() > 200 {
        "must be at most 200 characters"
    } else {
        return Ok(name.to_owned());
    };
    Err(DocumentsError::InvalidField {
        field: "name",
        problem,
    })
}

/// A unique-name collision is `NameTaken`, anything else as it is.
fn written(result: Result<u64, sqlx::Error>) -> Result<u64, DocumentsError> {
    match result {
        Err(err) if is_unique_violation(&err) => Err(DocumentsError::NameTaken),
        other => Ok(other?),
    }
}

pub async fn create(
    state: &AppState,
    principal: &Principal,
    text: &str,
    requires_approval: bool,
) -> Result<TypeRow, DocumentsError> {
    let row = TypeRow {
        document_type_id: DocumentTypeId::new(),
        name: name(text)?,
        requires_approval,
    };
    written(store::insert_type(&state.db, principal.org_id, &row, state.clock.now()).await)?;
    Ok(row)
}

pub async fn list(state: &AppState, principal: &Principal) -> Result<Vec<TypeRow>, DocumentsError> {
    Ok(store::list_types(&state.db, principal.org_id).await?)
}

/// The organization's type of this id (another organization's is `TypeNotFound`).
pub async fn find(
    state: &AppState,
    principal: &Principal,
    id: &str,
) -> Result<TypeRow, DocumentsError> {
    let id = DocumentTypeId::parse(id).ok_or(DocumentsError::TypeNotFound)?;
    store::find_type(&state.db, principal.org_id, id)
        .await?
        .ok_or(DocumentsError::TypeNotFound)
}

pub async fn update(
    state: &AppState,
    principal: &Principal,
    id: &str,
    new_name: Option<&str>,
    requires_approval: Option<bool>,
) -> Result<TypeRow, DocumentsError> {
    let mut row = find(state, principal, id).await?;
    if let Some(text) = new_name {
        row.name = name(text)?;
    }
    if let Some(requires) = requires_approval {
        row.requires_approval = requires;
    }
    written(store::update_type(&state.db, principal.org_id, &row).await)?;
    Ok(row)
}

pub async fn delete(
    state: &AppState,
    principal: &Principal,
    id: &str,
) -> Result<(), DocumentsError> {
    let row = find(state, principal, id).await?;
    // The check and the delete are one statement: a document written meanwhile
    // keeps the type.
    if store::delete_unused_type(&state.db, principal.org_id, row.document_type_id).await? == 0 {
        return Err(DocumentsError::TypeInUse);
    }
    Ok(())
}
