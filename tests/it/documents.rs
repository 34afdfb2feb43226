//! The documents service over gRPC on loopback, as the gateway will call it: uploads
//! and downloads streamed in chunks, the publish workflow with its refusals, and
//! nothing of another organization's ever reachable.

use atrium_common::auth::Principal;
use atrium_common::config::ServiceName;
use atrium_common::error::ApiError;
use atrium_common::roles::Role;
use atrium_proto::documents::v1 as pb;
use pb::document_service_client::DocumentServiceClient;
use sha2::{Digest, Sha256};
use tonic::Code;

use crate::support::app::TestApp;

type Client = DocumentServiceClient<atrium_common::grpc::ServiceChannel>;

struct World {
    app: TestApp,
    owner: Principal,
    project_id: String,
    documents: Client,
}

async fn world() -> World {
    let app = TestApp::start_with(|env| env.upload_max_bytes = Some(1024 * 1024)).await;
    let (org_id, owner_id, token) = app.org_with_owner("acme").await;
    let created = app
        .staff_call(
            reqwest::Method::POST,
            "/api/admin/projects",
            &token,
            Some(&serde_json::json!({ "name": "Extension", "kind": "project" })),
        )
        .await;
    let project: serde_json::Value = created.json().await.unwrap();
    let (org, owner): (uuid::Uuid, uuid::Uuid) =
        (org_id.parse().unwrap(), owner_id.parse().unwrap());
    let owner = Principal::staff(org, owner, Role::Owner);
    World {
        documents: DocumentServiceClient::new(app.service_channel(ServiceName::Documents)),
        project_id: project["id"].as_str().unwrap().to_owned(),
        owner,
        app,
    }
}

fn upload(
    who: &Principal,
    project_id: &str,
    file_name: &str,
    bytes: &[u8],
) -> tonic::Request<impl tokio_stream::Stream<Item = pb::UploadDocumentRequest> + use<>> {
    use pb::upload_document_request::Part;
    let header = pb::UploadDocumentRequest {
        part: Some(Part::Header(pb::DocumentHeader {
            project_id: project_id.to_owned(),
            file_name: file_name.to_owned(),
            ..Default::default()
        })),
    };
    let mut parts = vec![header];
    parts.extend(bytes.chunks(256 * 1024).map(|c| pb::UploadDocumentRequest {
        part: Some(Part::Chunk(c.to_vec())),
    }));
    who.request(tokio_stream::iter(parts))
}

/// The file's description and its bytes, checking that no chunk is over 256 KiB.
async fn download(
    documents: &mut Client,
    who: &Principal,
    document_id: &str,
    range: Option<(u64, u64)>,
) -> Result<(pb::FileInfo, Vec<u8>), tonic::Status> {
    use pb::download_chunk::Part;
    let request = pb::DownloadDocumentRequest {
        document_id: document_id.to_owned(),
        range: range.map(|(start, end)| pb::ByteRange { start, end }),
    };
    let mut stream = documents
        .download_document(who.request(request))
        .await?
        .into_inner();
    let Some(pb::DownloadChunk {
        part: Some(Part::File(file)),
    }) = stream.message().await?
    else {
        panic!("the first message describes the file");
    };
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.message().await? {
        let Some(Part::Chunk(chunk)) = chunk.part else {
            panic!("only the first message describes the file");
        };
        assert!(chunk.len() <= 256 * 1024);
        bytes.extend_from_slice(&chunk);
    }
    Ok((file, bytes))
}

async fn act(
    documents: &mut Client,
    who: &Principal,
    document_id: &str,
    action: &str,
    reason: &str,
) -> Result<pb::Document, tonic::Status> {
    let request = pb::TransitionDocumentRequest {
        document_id: document_id.to_owned(),
        action: action.to_owned(),
        reason: reason.to_owned(),
    };
    let answer = documents.transition_document(who.request(request)).await?;
    Ok(answer.into_inner().document.unwrap())
}

fn reason(status: &tonic::Status) -> String {
    ApiError::from_status(status).code.into_owned()
}

#[tokio::test]
async fn a_document_goes_through_its_workflow_and_downloads_byte_for_byte() {
    let World {
        app: _app,
        owner,
        project_id,
        mut documents,
    } = world().await;
    let bytes: Vec<u8> = (0..700_000).map(|i| b"a;b;c\n"[i % 6]).collect();
    let name = "Angebot für Müller.csv";
    let created = documents
        .upload_document(upload(&owner, &project_id, name, &bytes))
        .await
        .unwrap()
        .into_inner()
        .document
        .unwrap();
    let file = created.file.clone().unwrap();
    assert_eq!(
        (created.title.as_str(), created.status.as_str()),
        (name, "draft")
    );
    assert_eq!(created.version, 1);
    assert_eq!(
        (file.size, file.content_type.as_str()),
        (700_000, "text/csv")
    );
    assert_eq!(file.sha256, format!("{:x}", Sha256::digest(&bytes)));
    let id = created.id.clone();

    let (info, whole) = download(&mut documents, &owner, &id, None).await.unwrap();
    assert_eq!((info.name.as_str(), whole.len()), (name, bytes.len()));
    assert!(whole == bytes, "byte for byte");
    let (_, part) = download(&mut documents, &owner, &id, Some((10, 20)))
        .await
        .unwrap();
    assert_eq!(part, bytes[10..20]);
    let outside = download(&mut documents, &owner, &id, Some((10, 700_001))).await;
    assert_eq!(outside.unwrap_err().code(), Code::InvalidArgument);

    // Refused moves change nothing.
    let early = act(&mut documents, &owner, &id, "approve", "")
        .await
        .unwrap_err();
    assert_eq!(
        (early.code(), reason(&early).as_str()),
        (Code::FailedPrecondition, "INVALID_TRANSITION")
    );
    let pending = act(&mut documents, &owner, &id, "submit", "")
        .await
        .unwrap();
    assert_eq!(pending.status, "pending");
    let bare = act(&mut documents, &owner, &id, "reject", " ")
        .await
        .unwrap_err();
    assert_eq!(
        ApiError::from_status(&bare)
            .fields
            .keys()
            .collect::<Vec<_>>(),
        ["reason"]
    );
    let rejected = act(&mut documents, &owner, &id, "reject", "Wrong figures")
        .await
        .unwrap();
    assert_eq!(rejected.status, "rejected");
    for action in ["reopen", "submit", "approve"] {
        act(&mut documents, &owner, &id, action, "").await.unwrap();
    }
    let published = act(&mut documents, &owner, &id, "publish", "")
        .await
        .unwrap();
    assert_eq!(published.status, "published");
    assert!(published.published_at.is_some());
    let listed = documents
        .list_documents(owner.request(pb::ListDocumentsRequest {
            project_id: project_id.clone(),
            status: "published".to_owned(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .items;
    assert_eq!(
        listed.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        [id.as_str()]
    );
    let draft = act(&mut documents, &owner, &id, "unpublish", "")
        .await
        .unwrap();
    assert_eq!((draft.status.as_str(), draft.published_at), ("draft", None));
    let steps: Vec<(String, String, String)> = draft
        .history
        .iter()
        .map(|h| (h.action.clone(), h.to_status.clone(), h.reason.clone()))
        .collect();
    let expected = [
        ("created", "draft", ""),
        ("submit", "pending", ""),
        ("reject", "rejected", "Wrong figures"),
        ("reopen", "draft", ""),
        ("submit", "pending", ""),
        ("approve", "approved", ""),
        ("publish", "published", ""),
        ("unpublish", "draft", ""),
    ]
    .map(|(a, s, r)| (a.to_owned(), s.to_owned(), r.to_owned()));
    assert_eq!(steps, expected);
    assert!(
        draft
            .history
            .iter()
            .all(|h| h.actor.as_ref().unwrap().kind == "staff")
    );
}

#[tokio::test]
async fn uploads_that_do_not_fit_are_refused_and_leave_nothing() {
    let World {
        app: _app,
        owner,
        project_id,
        mut documents,
    } = world().await;
    for (name, bytes, expected) in [
        (
            "page.txt",
            b"<!doctype html><script>alert(1)</script>".to_vec(),
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        ("empty.txt", Vec::new(), "UNSUPPORTED_MEDIA_TYPE"),
        ("big.txt", vec![b'a'; 1024 * 1024 + 1], "PAYLOAD_TOO_LARGE"),
    ] {
        let refused = documents
            .upload_document(upload(&owner, &project_id, name, &bytes))
            .await
            .unwrap_err();
        assert_eq!(
            (refused.code(), reason(&refused).as_str()),
            (Code::InvalidArgument, expected),
            "{name}"
        );
        let answer = ApiError::from_status(&refused);
        assert!(answer.fields.contains_key("file"), "{name}");
    }
    let long_title = documents
        .upload_document(upload(&owner, &project_id, &"n".repeat(256), b"text"))
        .await
        .unwrap_err();
    assert_eq!(
        ApiError::from_status(&long_title)
            .fields
            .keys()
            .collect::<Vec<_>>(),
        ["file_name"]
    );
    let listed = documents
        .list_documents(owner.request(pb::ListDocumentsRequest {
            project_id,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .items;
    assert!(listed.is_empty(), "nothing was kept");
}

#[tokio::test]
async fn another_organization_and_a_lesser_role_reach_nothing() {
    let World {
        app,
        owner,
        project_id,
        mut documents,
    } = world().await;
    let created = documents
        .upload_document(upload(&owner, &project_id, "plan.txt", b"the plan"))
        .await
        .unwrap()
        .into_inner()
        .document
        .unwrap();
    let (other_org, other_owner, _) = app.org_with_owner("globex").await;
    let (org, owner_id): (uuid::Uuid, uuid::Uuid) =
        (other_org.parse().unwrap(), other_owner.parse().unwrap());
    let stranger = Principal::staff(org, owner_id, Role::Owner);
    let get = documents
        .get_document(stranger.request(pb::DocumentRequest {
            document_id: created.id.clone(),
            link_id: String::new(),
        }))
        .await
        .unwrap_err();
    assert_eq!(get.code(), Code::NotFound);
    let read = download(&mut documents, &stranger, &created.id, None)
        .await
        .unwrap_err();
    assert_eq!(read.code(), Code::NotFound);
    let moved = act(&mut documents, &stranger, &created.id, "submit", "")
        .await
        .unwrap_err();
    assert_eq!(moved.code(), Code::NotFound);
    let into_theirs = documents
        .upload_document(upload(&stranger, &project_id, "x.txt", b"x"))
        .await
        .unwrap_err();
    assert_eq!(into_theirs.code(), Code::NotFound);

    // A viewer may look but not upload or move.
    let viewer = Principal {
        role: Some(Role::Viewer),
        ..owner
    };
    let refused = documents
        .upload_document(upload(&viewer, &project_id, "y.txt", b"y"))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    assert_eq!(
        ApiError::from_status(&refused).permission.as_deref(),
        Some("documents.manage")
    );
    assert_eq!(
        act(&mut documents, &viewer, &created.id, "submit", "")
            .await
            .unwrap_err()
            .code(),
        Code::PermissionDenied
    );
    let (_, bytes) = download(&mut documents, &viewer, &created.id, None)
        .await
        .unwrap();
    assert_eq!(bytes, b"the plan");

    // Deleted, it is gone for everyone.
    documents
        .delete_document(owner.request(pb::DocumentRequest {
            document_id: created.id.clone(),
            link_id: String::new(),
        }))
        .await
        .unwrap();
    let gone = download(&mut documents, &owner, &created.id, None)
        .await
        .unwrap_err();
    assert_eq!(gone.code(), Code::NotFound);
}

#[tokio::test]
async fn a_type_that_needs_approval_holds_publishing_and_one_in_use_stays() {
    use pb::upload_document_request::Part;
    let World {
        app,
        owner,
        project_id,
        mut documents,
    } = world().await;
    let contract = documents
        .create_document_type(owner.request(pb::CreateDocumentTypeRequest {
            name: " Contract ".to_owned(),
            requires_approval: true,
        }))
        .await
        .unwrap()
        .into_inner()
        .document_type
        .unwrap();
    assert_eq!(
        (contract.name.as_str(), contract.requires_approval),
        ("Contract", true)
    );
    let twice = documents
        .create_document_type(owner.request(pb::CreateDocumentTypeRequest {
            name: "Contract".to_owned(),
            requires_approval: false,
        }))
        .await
        .unwrap_err();
    assert_eq!(twice.code(), Code::AlreadyExists);
    let header = pb::UploadDocumentRequest {
        part: Some(Part::Header(pb::DocumentHeader {
            project_id: project_id.clone(),
            file_name: "contract.txt".to_owned(),
            document_type_id: contract.id.clone(),
            ..Default::default()
        })),
    };
    let chunk = pb::UploadDocumentRequest {
        part: Some(Part::Chunk(b"terms".to_vec())),
    };
    let created = documents
        .upload_document(owner.request(tokio_stream::iter(vec![header, chunk])))
        .await
        .unwrap()
        .into_inner()
        .document
        .unwrap();
    assert_eq!(created.document_type_id, contract.id);
    let held = act(&mut documents, &owner, &created.id, "publish", "")
        .await
        .unwrap_err();
    assert_eq!(
        (held.code(), reason(&held).as_str()),
        (Code::FailedPrecondition, "APPROVAL_REQUIRED")
    );
    for action in ["submit", "approve", "publish"] {
        act(&mut documents, &owner, &created.id, action, "")
            .await
            .unwrap();
    }
    let in_use = documents
        .delete_document_type(owner.request(pb::DocumentTypeRequest {
            document_type_id: contract.id.clone(),
        }))
        .await
        .unwrap_err();
    assert_eq!(
        (in_use.code(), reason(&in_use).as_str()),
        (Code::FailedPrecondition, "CONFLICT")
    );
    // Another organization neither sees nor uses it.
    let (other_org, other_owner, _) = app.org_with_owner("globex").await;
    let (org, owner_id): (uuid::Uuid, uuid::Uuid) =
        (other_org.parse().unwrap(), other_owner.parse().unwrap());
    let stranger = Principal::staff(org, owner_id, Role::Owner);
    let theirs = documents
        .list_document_types(stranger.request(pb::ListDocumentTypesRequest {}))
        .await
        .unwrap()
        .into_inner()
        .items;
    assert!(theirs.is_empty());
    let renamed = documents
        .update_document_type(stranger.request(pb::UpdateDocumentTypeRequest {
            document_type_id: contract.id.clone(),
            name: Some("Mine".to_owned()),
            requires_approval: None,
        }))
        .await
        .unwrap_err();
    assert_eq!(renamed.code(), Code::NotFound);
    // Unused, it goes.
    let memo = documents
        .create_document_type(owner.request(pb::CreateDocumentTypeRequest {
            name: "Memo".to_owned(),
            requires_approval: false,
        }))
        .await
        .unwrap()
        .into_inner()
        .document_type
        .unwrap();
    documents
        .delete_document_type(owner.request(pb::DocumentTypeRequest {
            document_type_id: memo.id,
        }))
        .await
        .unwrap();
    let left = documents
        .list_document_types(owner.request(pb::ListDocumentTypesRequest {}))
        .await
        .unwrap()
        .into_inner()
        .items;
    assert_eq!(
        left.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["Contract"]
    );
}

#[tokio::test]
async fn other_services_files_are_kept_for_their_owner_and_go_with_it() {
    use pb::file_service_client::FileServiceClient;
    use pb::put_file_request::Part;
    let World { app, owner, .. } = world().await;
    let mut files = FileServiceClient::new(app.service_channel(ServiceName::Documents));
    let bytes: Vec<u8> = b"%PDF-1.4\n"
        .iter()
        .copied()
        .chain((0..600_000u32).map(|i| (i % 251) as u8))
        .collect();
    let approval = pb::FileOwner {
        kind: "approval".to_owned(),
        id: "a1".to_owned(),
    };
    let mut parts = vec![pb::PutFileRequest {
        part: Some(Part::Header(pb::FileHeader {
            owner: Some(approval.clone()),
            file_name: "Entwurf Ä.pdf".to_owned(),
        })),
    }];
    parts.extend(bytes.chunks(256 * 1024).map(|c| pb::PutFileRequest {
        part: Some(Part::Chunk(c.to_vec())),
    }));
    let stored = files
        .put_file(owner.request(tokio_stream::iter(parts)))
        .await
        .unwrap()
        .into_inner();
    let info = stored.file.clone().unwrap();
    assert_eq!(
        (info.size, info.content_type.as_str()),
        (bytes.len() as i64, "application/pdf")
    );
    assert_eq!(
        info.sha256,
        crate::documents_http::hex(&Sha256::digest(&bytes))
    );

    // Read back whole and in part.
    let read = |range: Option<pb::ByteRange>| {
        let mut files = files.clone();
        let request = owner.request(pb::ReadFileRequest {
            file_id: stored.id.clone(),
            range,
        });
        async move {
            let mut stream = files.read_file(request).await?.into_inner();
            let mut got = Vec::new();
            while let Some(message) = stream.message().await? {
                if let Some(pb::download_chunk::Part::Chunk(chunk)) = message.part {
                    got.extend_from_slice(&chunk);
                }
            }
            Ok::<_, tonic::Status>(got)
        }
    };
    assert_eq!(read(None).await.unwrap(), bytes);
    let part = read(Some(pb::ByteRange { start: 10, end: 20 }))
        .await
        .unwrap();
    assert_eq!(part, bytes[10..20]);

    // Another organization's principal finds nothing.
    let stranger = Principal::staff(uuid::Uuid::new_v4(), uuid::Uuid::new_v4(), Role::Owner);
    let request = stranger.request(pb::FileRequest {
        file_id: stored.id.clone(),
    });
    assert_eq!(
        files.get_file(request).await.unwrap_err().code(),
        Code::NotFound
    );

    // HTML is refused as for documents; the owner's delete takes the file.
    let refused = files
        .put_file(owner.request(tokio_stream::iter(vec![
            pb::PutFileRequest {
                part: Some(Part::Header(pb::FileHeader {
                    owner: Some(approval.clone()),
                    file_name: "x.html".to_owned(),
                })),
            },
            pb::PutFileRequest {
                part: Some(Part::Chunk(b"<html><script>1</script></html>".to_vec())),
            },
        ])))
        .await
        .unwrap_err();
    assert_eq!(reason(&refused), "UNSUPPORTED_MEDIA_TYPE");
    let deleted = files
        .delete_files(owner.request(pb::DeleteFilesRequest {
            owner: Some(approval),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(deleted.deleted, 1);
    let request = owner.request(pb::FileRequest { file_id: stored.id });
    assert_eq!(
        files.get_file(request).await.unwrap_err().code(),
        Code::NotFound
    );
}
