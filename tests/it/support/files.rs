//! Where a test's stored files live: a fresh directory, or — on `.ci/run`'s S3 pass,
//! which starts `moto_server` and sets the standard `AWS_*` variables the documents
//! service reads — a fresh bucket on that S3-compatible server. Either way the test can
//! count what is kept, so "nothing was kept" is checked on both stores.

use std::path::Path;

/// A test's own file store.
pub enum Files {
    Dir(tempfile::TempDir),
    Bucket { endpoint: String, bucket: String },
}

impl Files {
    /// A bucket when `AWS_ENDPOINT_URL` names an S3-compatible server, else a directory.
    pub async fn new() -> Files {
        let Ok(endpoint) = std::env::var("AWS_ENDPOINT_URL") else {
            return Files::Dir(tempfile::tempdir().expect("temp dir"));
        };
        let bucket = format!("atrium-{}", uuid::Uuid::new_v4().simple());
        let created = reqwest::Client::new()
            .put(format!("{endpoint}/{bucket}"))
            .send()
            .await
            .expect("create a bucket on AWS_ENDPOINT_URL");
        assert!(created.status().is_success(), "{}", created.status());
        Files::Bucket { endpoint, bucket }
    }

    /// The `ATRIUM_STORAGE_URL` that stores here.
    pub fn url(&self) -> String {
        match self {
            Files::Dir(dir) => format!("file://{}", dir.path().display()),
            Files::Bucket { bucket, .. } => format!("s3://{bucket}/files"),
        }
    }

    /// How many objects are kept.
    pub async fn count(&self) -> usize {
        match self {
            Files::Dir(dir) => files_under(dir.path()),
            Files::Bucket { endpoint, bucket } => {
                let listing = reqwest::Client::new()
                    .get(format!("{endpoint}/{bucket}?list-type=2&max-keys=1000"))
                    .send()
                    .await
                    .expect("list the bucket")
                    .text()
                    .await
                    .expect("listing");
                listing.matches("<Key>").count()
            }
        }
    }
}

fn files_under(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| {
            let path = entry.path();
            if path.is_dir() { files_under(&path) } else { 1 }
        })
        .sum()
}
