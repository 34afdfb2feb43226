//! The organization's stored logo for its PDFs, read from the documents service: its
//! digest asked on every render, its bytes fetched again only when the digest changes.
//! A logo that cannot be read leaves the document without one (it still renders).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use atrium_common::auth::Principal;
use atrium_common::grpc::ServiceChannel;
use atrium_common::ids::OrgId;
use atrium_proto::documents::v1 as documents;
use atrium_proto::documents::v1::logo_service_client::LogoServiceClient;

/// A logo's bytes (PNG, JPEG or WebP, at most 1 MiB).
pub type LogoBytes = Arc<Vec<u8>>;

/// The documents service's logos, with the last one read per organization.
#[derive(Clone)]
pub struct Logos {
    client: LogoServiceClient<ServiceChannel>,
    kept: Arc<Mutex<HashMap<OrgId, (String, LogoBytes)>>>,
}

impl Logos {
    pub fn new(channel: ServiceChannel) -> Logos {
        Logos {
            client: LogoServiceClient::new(channel),
            kept: Arc::default(),
        }
    }

    /// The organization's logo now, or `None` while it has none (or it cannot be read).
    pub async fn of(&self, org_id: OrgId) -> Option<LogoBytes> {
        match self.read(org_id).await {
            Ok(logo) => logo,
            Err(status) => {
                tracing::warn!(code = ?status.code(), "the logo could not be read; the PDF goes without");
                None
            }
        }
    }

    async fn read(&self, org_id: OrgId) -> Result<Option<LogoBytes>, tonic::Status> {
        let request = || {
            Principal::service().request(documents::LogoRequest {
                org_id: org_id.to_string(),
                range: None,
            })
        };
        let mut client = self.client.clone();
        let info = match client.get_logo(request()).await {
            Ok(info) => info.into_inner(),
            Err(status) if status.code() == tonic::Code::NotFound => return Ok(None),
            Err(status) => return Err(status),
        };
        if let Some((digest, bytes)) = self.kept.lock().expect("logos").get(&org_id)
            && *digest == info.sha256
        {
            return Ok(Some(bytes.clone()));
        }
        let mut stream = client.download_logo(request()).await?.into_inner();
        let mut bytes = Vec::with_capacity(usize::try_from(info.size).unwrap_or(0));
        while let Some(message) = stream.message().await? {
            if let Some(documents::download_chunk::Part::Chunk(chunk)) = message.part {
                bytes.extend_from_slice(&chunk);
            }
        }
        let bytes = Arc::new(bytes);
        self.kept
            .lock()
            .expect("logos")
            .insert(org_id, (info.sha256, bytes.clone()));
        Ok(Some(bytes))
    }
}
