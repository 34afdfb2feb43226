//! Compiles every `atrium/**/*.proto` with the vendored `protoc`, so a bare machine can build.

use std::path::PathBuf;

const PROTOS: &[&str] = &[
    "atrium/common/v1/common.proto",
    "atrium/identity/v1/identity.proto",
    "atrium/portal/v1/portal.proto",
    "atrium/documents/v1/documents.proto",
    "atrium/billing/v1/billing.proto",
    "atrium/notifier/v1/notifier.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=atrium");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    let mut config = tonic_prost_build::Config::new();
    config.protoc_executable(protoc_bin_vendored::protoc_bin_path()?);
    let protos: Vec<PathBuf> = PROTOS.iter().map(PathBuf::from).collect();
    let includes = [PathBuf::from("."), protoc_bin_vendored::include_path()?];
    tonic_prost_build::configure()
        .file_descriptor_set_path(out_dir.join("atrium_descriptor.bin"))
        .compile_with_config(config, &protos, &includes)?;
    Ok(())
}
