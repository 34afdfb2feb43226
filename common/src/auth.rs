//! Who is calling a service: the principal metadata the gateway sets after checking a
//! session, trusted only on calls that carry the service token (the server layer in
//! [`crate::grpc`] refuses every other `atrium.*` call before this is read).

use tonic::metadata::{MetadataMap, MetadataValue};
use tonic::{Request, Status};
use uuid::Uuid;

pub const META_ORG: &str = "x-atrium-org";
pub const META_SUBJECT: &str = "x-atrium-subject";
pub const META_SUBJECT_KIND: &str = "x-atrium-subject-kind";
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
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Staff => "staff",
            SubjectKind::Customer => "customer",
            SubjectKind::Guest => "guest",
        }
    }

    pub fn parse(text: &str) -> Option<SubjectKind> {
        match text {
            "staff" => Some(SubjectKind::Staff),
            "customer" => Some(SubjectKind::Customer),
            "guest" => Some(SubjectKind::Guest),
            _ => None,
        }
    }
}

/// The organization and subject a call acts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    pub org_id: Uuid,
    pub subject_id: Uuid,
    pub kind: SubjectKind,
}

impl Principal {
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

    /// Writes the principal into outgoing metadata.
    pub fn write_to(&self, metadata: &mut MetadataMap) {
        let text = |s: String| MetadataValue::try_from(s).expect("uuid and kind are ascii");
        metadata.insert(META_ORG, text(self.org_id.to_string()));
        metadata.insert(META_SUBJECT, text(self.subject_id.to_string()));
        metadata.insert(
            META_SUBJECT_KIND,
            MetadataValue::from_static(self.kind.as_str()),
        );
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
        Ok(Some(Principal {
            org_id: uuid(org).ok_or_else(malformed)?,
            subject_id: uuid(subject).ok_or_else(malformed)?,
            kind: kind
                .and_then(|v| v.to_str().ok())
                .and_then(SubjectKind::parse)
                .ok_or_else(malformed)?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_principal_round_trips_through_metadata() {
        let principal = Principal {
            org_id: Uuid::new_v4(),
            subject_id: Uuid::new_v4(),
            kind: SubjectKind::Staff,
        };
        let mut metadata = MetadataMap::new();
        principal.write_to(&mut metadata);
        let headers = metadata.into_headers();
        assert_eq!(Principal::read_from(&headers).unwrap(), Some(principal));
    }

    #[test]
    fn a_partial_principal_is_refused() {
        let mut headers = http::HeaderMap::new();
        headers.insert(META_ORG, Uuid::new_v4().to_string().parse().unwrap());
        assert!(Principal::read_from(&headers).is_err());
        assert_eq!(Principal::read_from(&http::HeaderMap::new()).unwrap(), None);
    }
}
