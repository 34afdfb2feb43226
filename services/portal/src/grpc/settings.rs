//! The organization's settings and branding.

use atrium_common::grpc::Rpc;
use atrium_common::grpc::timestamp;
use atrium_common::settings::OrgSettings;
use atrium_proto::portal::v1 as pb;
use chrono::{DateTime, Utc};
use tonic::{Request, Response};

use super::{Portal, acting, staff};
use crate::settings;

pub(super) fn features(s: &OrgSettings) -> pb::Features {
    let f = &s.features;
    pb::Features {
        customer_portal: f.customer_portal,
        approvals: f.approvals,
        requests: f.requests,
        documents: f.documents,
        billing: f.billing,
        gallery: f.gallery,
    }
}

pub(super) fn branding(s: &OrgSettings) -> pb::Branding {
    let b = &s.branding;
    pb::Branding {
        company_name: b.company_name.clone().unwrap_or_default(),
        logo_url: b.logo_url.clone().unwrap_or_default(),
        primary_color: b.primary_color.clone().unwrap_or_default(),
        show_logo: b.show_logo,
        show_name: b.show_name,
        sender_name: b.sender_name.clone().unwrap_or_default(),
    }
}

fn settings_response(
    settings: &OrgSettings,
    updated_at: Option<DateTime<Utc>>,
) -> Response<pb::SettingsResponse> {
    Response::new(pb::SettingsResponse {
        settings: Some(pb::OrgSettings {
            document: serde_json::to_string(settings).expect("settings serialize"),
            updated_at: updated_at.map(timestamp),
        }),
    })
}

#[tonic::async_trait]
impl pb::settings_service_server::SettingsService for Portal {
    async fn get_settings(
        &self,
        request: Request<pb::GetSettingsRequest>,
    ) -> Rpc<pb::SettingsResponse> {
        let principal = staff(&request)?;
        let (settings, updated_at) = settings::load_saved(&self.0, principal.org_id).await?;
        Ok(settings_response(&settings, updated_at))
    }

    async fn update_settings(
        &self,
        request: Request<pb::UpdateSettingsRequest>,
    ) -> Rpc<pb::SettingsResponse> {
        let acting = acting(&request)?;
        let (settings, updated_at) =
            settings::update(&self.0, &acting, &request.get_ref().patch).await?;
        Ok(settings_response(&settings, Some(updated_at)))
    }

    async fn get_branding(
        &self,
        request: Request<pb::GetBrandingRequest>,
    ) -> Rpc<pb::BrandingResponse> {
        let s = settings::branding(&self.0, &request.get_ref().org_id).await?;
        Ok(Response::new(pb::BrandingResponse {
            branding: Some(branding(&s)),
        }))
    }
}
