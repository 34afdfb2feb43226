//! Who is calling a service: the principal metadata the gateway sets after checking a
//! session, trusted only on calls that carry the service token (the server layer in
//! [`crate::grpc`] refuses every other `atrium.*` call before this is read).

use tonic::metadata::{MetadataMap, MetadataValue};
use tonic::{Request, Status};
use uuid::Uuid;

use crate::ids::OrgId;
use crate::roles::Role;

pub const META_ORG: &str = "x-atrium-org";
pub const META_SUBJECT: &str = "x-atrium-subject";
pub const META_SUBJECT_KIND: &str = "x-atrium-subject-kind";
/// The role the gateway verified for a staff principal; services check permissions
/// against it.
pub const META_ROLE: &str = "x-atrium-role";
/// The client address the gateway saw, for the audit trail; absent on service calls.
pub const META_CLIENT_IP: &str = "x-atrium-client-ip";

/// Writes the client address into outgoing metadata.
pub fn write_client_ip(metadata: &mut MetadataMap, ip: std::net::IpAddr) {
    metadata.insert(
        META_CLIENT_IP,
        MetadataValue::try_from(ip.to_string()).expect("an address is ascii"),
    );
}

/// The client address a call carries, or empty; anything that is not an address is empty.
pub fn client_ip<T>(request: &Request<T>) -> String {
    request
        .metadata()
        .get(META_CLIENT_IP)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<std::net::IpAddr>().ok())
        .map(|ip| ip.to_string())
        .unwrap_or_default()
}

/// The kinds of caller a request can act for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectKind {
    Staff,
    Customer,
    Guest,
    /// A background job of a service (an outbox relay, a sweep): accepted only by RPCs
    /// marked internal.
    Service,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Staff => "staff",
            SubjectKind::Customer => "customer",
            SubjectKind::Guest => "guest",
            SubjectKind::Service => "service",
        }
    }

    pub fn parse(text: &str) -> Option<SubjectKind> {
        [
            SubjectKind::Staff,
            SubjectKind::Customer,
            SubjectKind::Guest,
            SubjectKind::Service,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

/// The organization and subject a call acts for, with a staff member's verified role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    pub org_id: OrgId,
    pub subject_id: Uuid,
    pub kind: SubjectKind,
    /// Set for staff only: the role the gateway verified on this request.
    pub role: Option<Role>,
}

impl Principal {
    /// The subject as a staff member (the caller checked that it is one).
    pub fn staff_id(&self) -> crate::ids::StaffId {
        crate::ids::StaffId(self.subject_id)
    }

    /// The subject as a customer (the caller checked that it is one).
    pub fn customer_id(&self) -> crate::ids::CustomerId {
        crate::ids::CustomerId(self.subject_id)
    }

    /// A staff member acting in `org_id` with `role`.
    pub fn staff(org_id: impl Into<OrgId>, staff_id: impl Into<Uuid>, role: Role) -> Principal {
        Principal {
            org_id: org_id.into(),
            subject_id: staff_id.into(),
            kind: SubjectKind::Staff,
            role: Some(role),
        }
    }

    /// A customer acting in `org_id`.
    pub fn customer(org_id: impl Into<OrgId>, customer_id: impl Into<Uuid>) -> Principal {
        Principal {
            org_id: org_id.into(),
            subject_id: customer_id.into(),
            kind: SubjectKind::Customer,
            role: None,
        }
    }

    /// A service's background job, for no organization in particular.
    pub fn service() -> Principal {
        Principal {
            org_id: OrgId(Uuid::nil()),
            subject_id: Uuid::nil(),
            kind: SubjectKind::Service,
            role: None,
        }
    }

    /// Returns the principal the server layer accepted for this call, or UNAUTHENTICATED.
    pub fn from_request<T>(request: &Request<T>) -> Result<Principal, Status> {
        request
            .extensions()
            .get::<Principal>()
            .copied()
            .ok_or_else(|| Status::unauthenticated("this call needs a principal"))
    }

    /// Returns the principal if it is of `kind`, else UNAUTHENTICATED (tiers never mix).
    pub fn require<T>(request: &Request<T>, kind: SubjectKind) -> Result<Principal, Status> {
        let principal = Principal::from_request(request)?;
        if principal.kind != kind {
            return Err(Status::unauthenticated(
                "this call is for another kind of subject",
            ));
        }
        Ok(principal)
    }

    /// A request carrying `message` that acts for this principal.
    pub fn request<T>(&self, message: T) -> Request<T> {
        let mut request = Request::new(message);
        self.write_to(request.metadata_mut());
        request
    }

    /// Writes the principal into outgoing metadata.
    pub fn write_to(&self, metadata: &mut MetadataMap) {
        let text = |s: String| MetadataValue::try_from(s).expect("uuid and kind are ascii");
        metadata.insert(META_ORG, text(self.org_id.to_string()));
        metadata.insert(META_SUBJECT, text(self.subject_id.to_string()));
        metadata.insert(
            META_SUBJECT_KIND,
            MetadataValue::from_static(self.kind.as_str()),
        );
        match self.role {
            Some(role) => {
                metadata.insert(META_ROLE, MetadataValue::from_static(role.as_str()));
            }
            None => {
                metadata.remove(META_ROLE);
            }
        }
    }

    /// Reads principal headers: absent is `Ok(None)`, present but malformed is an error.
    pub fn read_from(headers: &http::HeaderMap) -> Result<Option<Principal>, Status> {
        let org = headers.get(META_ORG);
        let subject = headers.get(META_SUBJECT);
        let kind = headers.get(META_SUBJECT_KIND);
        if org.is_none() && subject.is_none() && kind.is_none() {
            return Ok(None);
        }
        let malformed = || Status::invalid_argument("malformed principal metadata");
        let uuid = |value: Option<&http::HeaderValue>| {
            value
                .and_then(|v| v.to_str().ok())
                .and_then(|v| Uuid::parse_str(v).ok())
        };
        let kind = kind
            .and_then(|v| v.to_str().ok())
            .and_then(SubjectKind::parse)
            .ok_or_else(malformed)?;
        // A role is read for staff only, and must name one; anything else has none.
        let role = match (kind, headers.get(META_ROLE)) {
            (SubjectKind::Staff, Some(role)) => Some(
                role.to_str()
                    .ok()
                    .and_then(Role::parse)
                    .ok_or_else(malformed)?,
            ),
            _ => None,
        };
        Ok(Some(Principal {
            org_id: OrgId(uuid(org).ok_or_else(malformed)?),
            subject_id: uuid(subject).ok_or_else(malformed)?,
            kind,
            role,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_principal_round_trips_through_metadata() {
        for principal in [
            Principal::staff(Uuid::new_v4(), Uuid::new_v4(), Role::Viewer),
            Principal::customer(Uuid::new_v4(), Uuid::new_v4()),
            Principal::service(),
        ] {
            let mut metadata = MetadataMap::new();
            principal.write_to(&mut metadata);
            let headers = metadata.into_headers();
            assert_eq!(Principal::read_from(&headers).unwrap(), Some(principal));
        }
    }

    #[test]
    fn only_staff_carry_a_role_and_it_must_be_one() {
        let mut metadata = MetadataMap::new();
        Principal::customer(Uuid::new_v4(), Uuid::new_v4()).write_to(&mut metadata);
        metadata.insert(META_ROLE, MetadataValue::from_static("owner"));
        let read = Principal::read_from(&metadata.clone().into_headers()).unwrap();
        assert_eq!(read.unwrap().role, None, "a customer has no role");

        let mut metadata = MetadataMap::new();
        Principal::staff(Uuid::new_v4(), Uuid::new_v4(), Role::Admin).write_to(&mut metadata);
        metadata.insert(META_ROLE, MetadataValue::from_static("root"));
        assert!(Principal::read_from(&metadata.into_headers()).is_err());
    }

    #[test]
    fn a_partial_principal_is_refused() {
        let mut headers = http::HeaderMap::new();
        headers.insert(META_ORG, Uuid::new_v4().to_string().parse().unwrap());
        assert!(Principal::read_from(&headers).is_err());
        assert_eq!(Principal::read_from(&http::HeaderMap::new()).unwrap(), None);
    }
}
