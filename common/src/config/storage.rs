//! Where the documents service keeps files, and how large they may be (`documents.md`,
//! Storage).

use std::path::Path;

use anyhow::{Context, bail};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageSettings {
    /// `file:///path` or `s3://bucket/prefix`.
    pub url: String,
    /// The largest file accepted.
    pub upload_max_bytes: u64,
    /// The largest image decoded (width × height).
    pub image_max_pixels: u64,
}

impl StorageSettings {
    /// `ATRIUM_STORAGE_URL` (default: `files/` under the data dir), and the limits.
    pub fn resolve(
        url: Option<String>,
        upload_max_bytes: Option<u64>,
        image_max_pixels: Option<u64>,
        data_dir: &Path,
    ) -> anyhow::Result<StorageSettings> {
        let url = match url {
            Some(url) if url.starts_with("file:///") || url.starts_with("s3://") => url,
            Some(_) => bail!("ATRIUM_STORAGE_URL must be a file:///path or s3://bucket/prefix URL"),
            None => {
                let files = std::path::absolute(data_dir.join("files"))
                    .context("resolving the data dir")?;
                format!("file://{}", files.display())
            }
        };
        Ok(StorageSettings {
            url,
            upload_max_bytes: upload_max_bytes.unwrap_or(104_857_600),
            image_max_pixels: image_max_pixels.unwrap_or(50_000_000),
        })
    }
}
