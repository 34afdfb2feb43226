//! What every `atrium.*` RPC is: who may call it (checked by the service-token gate of
//! [`crate::grpc`] before any handler runs, so a caller inside the cluster cannot do
//! through a service what the role table forbids) and whether it only reads (safe to
//! retry on another replica). One row per RPC; a test holds the table to the protos.

use std::collections::HashMap;
use std::sync::OnceLock;

use tonic::Status;

use crate::auth::{Principal, SubjectKind};
use crate::roles::Permission;

mod table;

pub use table::RPCS;

/// Who may make a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Any holder of the service token: sign-in, recovery and public reads, which check
    /// their own credential (a password, a session or link token) and are rate-limited
    /// by the gateway.
    Open,
    /// A background job of a service (subject kind `service`), such as an outbox relay.
    Internal,
    /// Any signed-in staff member (their own profile, a lookup made for them).
    AnyStaff,
    /// A staff member whose role holds the permission.
    Staff(Permission),
    /// A signed-in customer (their own data).
    Customer,
    /// A customer, or a staff member whose role holds the permission.
    CustomerOrStaff(Permission),
    /// A signed-in customer or staff member (their own notifications, lookups for them).
    Signed,
}

/// Whether a call only reads (another replica may answer it again) or changes state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    Read,
    Write,
}

/// One RPC: its gRPC path, who may call it, what it does and whether messages stream
/// (which gives it an idle timeout instead of a whole-call deadline, see
/// [`crate::grpc::STREAM_IDLE_TIMEOUT`]).
#[derive(Debug, Clone, Copy)]
pub struct Rpc {
    pub path: &'static str,
    pub access: Access,
    pub call: Call,
    pub streams: bool,
}

/// A unary call that only reads.
pub const fn read(path: &'static str, access: Access) -> Rpc {
    Rpc {
        path,
        access,
        call: Call::Read,
        streams: false,
    }
}

/// A unary call that changes state.
pub const fn write(path: &'static str, access: Access) -> Rpc {
    Rpc {
        path,
        access,
        call: Call::Write,
        streams: false,
    }
}

/// A streaming call (either direction) that only reads, such as a download.
pub const fn read_stream(path: &'static str, access: Access) -> Rpc {
    Rpc {
        streams: true,
        ..read(path, access)
    }
}

/// A streaming call that changes state, such as an upload.
pub const fn write_stream(path: &'static str, access: Access) -> Rpc {
    Rpc {
        streams: true,
        ..write(path, access)
    }
}

/// The row of the RPC at `path`, if it is one of Atrium's.
pub fn of(path: &str) -> Option<&'static Rpc> {
    static BY_PATH: OnceLock<HashMap<&'static str, &'static Rpc>> = OnceLock::new();
    BY_PATH
        .get_or_init(|| RPCS.iter().map(|rpc| (rpc.path, rpc)).collect())
        .get(path)
        .copied()
}

/// Whether the RPC at `path` only reads, so a caller may ask another replica again.
pub fn is_read(path: &str) -> bool {
    of(path).is_some_and(|rpc| rpc.call == Call::Read)
}

/// Lets a call through, or answers why not: no or another tier's principal is
/// UNAUTHENTICATED (tiers never mix), a staff role without the permission is
/// PERMISSION_DENIED naming it, and an internal RPC refuses anyone but a service.
pub fn check(access: Access, principal: Option<&Principal>) -> Result<(), Status> {
    let kind = principal.map(|p| p.kind);
    let staff_may = |permission: Permission| match principal.and_then(|p| p.role) {
        Some(role) if role.allows(permission) => Ok(()),
        _ => Err(denied(permission)),
    };
    match (access, kind) {
        (Access::Open, _) => Ok(()),
        (Access::Internal, Some(SubjectKind::Service)) => Ok(()),
        (Access::Internal, _) => Err(Status::permission_denied(
            "this call is made only by Atrium's own services",
        )),
        (Access::AnyStaff, Some(SubjectKind::Staff)) => Ok(()),
        (Access::Staff(permission), Some(SubjectKind::Staff)) => staff_may(permission),
        (Access::Customer, Some(SubjectKind::Customer)) => Ok(()),
        (Access::CustomerOrStaff(_), Some(SubjectKind::Customer)) => Ok(()),
        (Access::CustomerOrStaff(permission), Some(SubjectKind::Staff)) => staff_may(permission),
        (Access::Signed, Some(SubjectKind::Staff | SubjectKind::Customer)) => Ok(()),
        _ => Err(Status::unauthenticated(
            "this call needs a principal of another kind",
        )),
    }
}

/// PERMISSION_DENIED with the permission named in its `ErrorInfo`, as the gateway's
/// 403 answers it.
pub fn denied(permission: Permission) -> Status {
    let message = format!("this needs the {permission} permission");
    let mut problem =
        crate::error::Problem::new(crate::error::ErrorCode::PermissionDenied, message);
    problem.metadata = vec![(
        crate::error::META_PERMISSION,
        permission.as_str().to_owned(),
    )];
    crate::error::into_status(problem)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use prost::Message;
    use uuid::Uuid;

    use super::*;
    use crate::roles::Role;

    /// Every method of every `atrium.*` service in the protos, as gRPC paths, with
    /// whether it streams.
    fn proto_methods() -> BTreeSet<(String, bool)> {
        let set = prost_types::FileDescriptorSet::decode(atrium_proto::FILE_DESCRIPTOR_SET)
            .expect("the descriptor set decodes");
        let mut paths = BTreeSet::new();
        for file in set.file {
            let package = file.package().to_owned();
            if !package.starts_with("atrium.") {
                continue;
            }
            for service in &file.service {
                for method in &service.method {
                    let path = format!("/{package}.{}/{}", service.name(), method.name());
                    let streams = method.client_streaming() || method.server_streaming();
                    paths.insert((path, streams));
                }
            }
        }
        paths
    }

    #[test]
    fn every_rpc_of_the_protos_has_exactly_one_row_that_knows_whether_it_streams() {
        let table: Vec<(String, bool)> = RPCS
            .iter()
            .map(|rpc| (rpc.path.to_owned(), rpc.streams))
            .collect();
        let unique: BTreeSet<(String, bool)> = table.iter().cloned().collect();
        assert_eq!(unique.len(), table.len(), "a path has two rows");
        assert_eq!(unique, proto_methods());
    }

    #[test]
    fn the_gate_lets_through_exactly_what_the_role_table_allows() {
        let (org, id) = (Uuid::new_v4(), Uuid::new_v4());
        let viewer = Principal::staff(org, id, Role::Viewer);
        let admin = Principal::staff(org, id, Role::Admin);
        let customer = Principal::customer(org, id);
        let service = Principal::service();
        let manage = Access::Staff(Permission::ProjectsManage);

        let refused = check(manage, Some(&viewer)).unwrap_err();
        assert_eq!(refused.code(), tonic::Code::PermissionDenied);
        let api = crate::error::ApiError::from_status(&refused);
        assert_eq!(api.permission.as_deref(), Some("projects.manage"));
        assert!(check(manage, Some(&admin)).is_ok());
        assert_eq!(
            check(manage, Some(&customer)).unwrap_err().code(),
            tonic::Code::Unauthenticated
        );
        assert_eq!(
            check(manage, None).unwrap_err().code(),
            tonic::Code::Unauthenticated
        );
        assert!(check(Access::Internal, Some(&service)).is_ok());
        assert_eq!(
            check(Access::Internal, Some(&admin)).unwrap_err().code(),
            tonic::Code::PermissionDenied
        );
        assert!(check(Access::Customer, Some(&customer)).is_ok());
        assert!(check(Access::Customer, Some(&admin)).is_err());
        assert!(
            check(
                Access::CustomerOrStaff(Permission::CustomersCreate),
                Some(&customer)
            )
            .is_ok()
        );
        assert!(
            check(
                Access::CustomerOrStaff(Permission::CustomersCreate),
                Some(&viewer)
            )
            .is_err()
        );
        assert!(check(Access::Signed, Some(&viewer)).is_ok());
        assert!(check(Access::Signed, Some(&service)).is_err());
        assert!(check(Access::Open, None).is_ok());
    }
}
