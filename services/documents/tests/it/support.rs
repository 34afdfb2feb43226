//! The stores a storage test runs against: a fresh directory, and a fresh bucket on
//! `moto_server` (PyPI's `moto[server]`), started here on a free port. Without
//! `moto_server` the S3 half says so in one line and is skipped, except under
//! `CI=true`, where it fails.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use atrium_documents::storage::Storage;

pub const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// One store under test and what keeps it alive.
pub struct Store {
    pub name: &'static str,
    pub storage: Storage,
    _dir: Option<tempfile::TempDir>,
    _moto: Option<Moto>,
}

/// A `moto_server` child, stopped when dropped.
struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Every store there is here: the filesystem always, S3 when `moto_server` runs.
pub async fn stores() -> Vec<Store> {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", dir.path().join("files").display());
    let mut stores = vec![Store {
        name: "filesystem",
        storage: Storage::open(&url, [], MAX_BYTES).expect("filesystem store"),
        _dir: Some(dir),
        _moto: None,
    }];
    if let Some(store) = s3().await {
        stores.push(store);
    }
    stores
}

async fn s3() -> Option<Store> {
    let port = free_port();
    let child = Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let child = match child {
        Ok(child) => Moto(child),
        Err(err) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "moto_server cannot start under CI=true: {err} (pip install 'moto[server]')"
            );
            eprintln!("skipping the S3 storage tests: moto_server is not installed ({err})");
            return None;
        }
    };
    let endpoint = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let mut up = false;
    for _ in 0..100 {
        if http.get(&endpoint).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "moto_server did not answer on {endpoint}");
    let bucket = format!("atrium-{}", uuid::Uuid::new_v4().simple());
    let created = http
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .expect("create bucket");
    assert!(created.status().is_success(), "{}", created.status());
    let aws = [
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_ALLOW_HTTP", "true"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    let storage = Storage::open(&format!("s3://{bucket}/files"), aws, MAX_BYTES).expect("s3 store");
    Some(Store {
        name: "s3",
        storage,
        _dir: None,
        _moto: Some(child),
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
