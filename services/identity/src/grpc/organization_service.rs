//! `OrganizationService`: onboarding a tenant, and reading one by its slug.

use atrium_common::grpc::Rpc;
use atrium_proto::identity::v1 as pb;
use tonic::{Request, Response};

use crate::organization::{self, NewOrganization};

use super::Identity;

#[tonic::async_trait]
impl pb::organization_service_server::OrganizationService for Identity {
    async fn create_organization(
        &self,
        request: Request<pb::CreateOrganizationRequest>,
    ) -> Rpc<pb::CreateOrganizationResponse> {
        let request = request.into_inner();
        let input = NewOrganization {
            slug: request.slug,
            name: request.name,
            owner_email: request.owner_email,
            owner_password: request.owner_password,
        };
        let onboarded =
            organization::create_organization(&self.0, input, request.if_absent).await?;
        Ok(Response::new(pb::CreateOrganizationResponse {
            organization: Some(onboarded.organization.into()),
            owner: Some(onboarded.owner.into()),
            created: onboarded.created,
        }))
    }

    async fn get_organization(
        &self,
        request: Request<pb::GetOrganizationRequest>,
    ) -> Rpc<pb::GetOrganizationResponse> {
        let organization = organization::get_organization(&self.0, &request.get_ref().slug).await?;
        Ok(Response::new(pb::GetOrganizationResponse {
            organization: Some(organization.into()),
        }))
    }
}
