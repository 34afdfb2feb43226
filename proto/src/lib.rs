//! Generated protobuf messages, tonic clients and servers of every Atrium service,
//! plus the file descriptor set that reflection serves.

// Generated code: services without RPCs yet expand to single-arm matches.
#![allow(clippy::all)]

/// Encoded `FileDescriptorSet` of every Atrium proto, for gRPC server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("atrium_descriptor");

pub mod common {
    pub mod v1 {
        tonic::include_proto!("atrium.common.v1");
    }
}

pub mod identity {
    pub mod v1 {
        tonic::include_proto!("atrium.identity.v1");
    }
}

pub mod portal {
    pub mod v1 {
        tonic::include_proto!("atrium.portal.v1");
    }
}

pub mod documents {
    pub mod v1 {
        tonic::include_proto!("atrium.documents.v1");
    }
}

pub mod billing {
    pub mod v1 {
        tonic::include_proto!("atrium.billing.v1");
    }
}

pub mod notifier {
    pub mod v1 {
        tonic::include_proto!("atrium.notifier.v1");
    }
}
