//! Where files live: the local filesystem under the data dir (the embedded default) or
//! S3-compatible object storage (production, shared by every replica), behind one
//! interface over `object_store`. Files stream in and out in bounded chunks, whatever
//! their size; SHA-256, size and the sniffed content type are found while streaming.
//! Object keys are `<org_id>/<file_id>` with a random id: a user's file name never
//! reaches a path.

mod read;
mod sniff;

use std::ops::Range;
use std::path::Path as FsPath;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::stream::{BoxStream, Stream, StreamExt};
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, WriteMultipart};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use read::{coalesced, local_read};
pub use sniff::{Allowed, sniff};

/// The size of the parts an upload is written in: S3's smallest multipart part, and
/// less on the local filesystem, which has no such minimum (memory per upload is a few
/// parts).
const S3_PART_BYTES: usize = 5 * 1024 * 1024;
const FILE_PART_BYTES: usize = 1024 * 1024;
/// The pieces a download is read in: the local store reads 8 KiB at a time, which
/// would make as many messages down the stack.
const READ_BYTES: usize = 256 * 1024;
/// How many parts of one upload may be in flight at once: memory per upload stays
/// under `part_bytes * (PARTS_IN_FLIGHT + 1)`.
const PARTS_IN_FLIGHT: usize = 2;
/// How much of a file's start is kept for sniffing its type.
const HEAD_BYTES: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("the storage URL {0:?} is neither file:// nor s3://")]
    BadUrl(String),
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the file is empty")]
    Empty,
    #[error("the file's type is not accepted here")]
    Unsupported,
    #[error("the object does not exist")]
    NotFound,
    #[error("the range does not lie within the file")]
    OutOfRange,
    #[error("the upload broke off: {0}")]
    Source(String),
    #[error("storage: {0}")]
    Store(#[from] object_store::Error),
}

/// Where one stored file lives: `<org_id>/<file_id>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectKey {
    pub org_id: Uuid,
    pub file_id: Uuid,
}

impl ObjectKey {
    /// A key for a new file of `org_id`, with a random id.
    pub fn new(org_id: Uuid) -> ObjectKey {
        ObjectKey {
            org_id,
            file_id: Uuid::new_v4(),
        }
    }

    fn path(&self) -> Path {
        Path::from(format!("{}/{}", self.org_id, self.file_id))
    }

    /// The key of a stored path, when it is one of ours.
    fn of(path: &Path) -> Option<ObjectKey> {
        let mut parts = path.parts();
        let org_id = Uuid::parse_str(parts.next()?.as_ref()).ok()?;
        let file_id = Uuid::parse_str(parts.next()?.as_ref()).ok()?;
        parts
            .next()
            .is_none()
            .then_some(ObjectKey { org_id, file_id })
    }
}

/// What an upload stored: its size, SHA-256 (hex) and sniffed content type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub key: ObjectKey,
    pub size: u64,
    pub sha256: String,
    pub content_type: &'static str,
}

/// The store files are written to and read from.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// The largest file accepted.
    pub max_bytes: u64,
    part_bytes: usize,
    /// On the local filesystem, its root: downloads read the file directly, in
    /// [`READ_BYTES`] pieces (the store's own reads are 8 KiB, each on a blocking thread).
    local_root: Option<std::path::PathBuf>,
}

impl Storage {
    /// The store `url` names: `file:///path` (created when missing) or
    /// `s3://bucket/prefix`, configured by the standard `AWS_*` settings in `aws`
    /// (`AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, …; the process's
    /// environment in production).
    pub fn open(
        url: &str,
        aws: impl IntoIterator<Item = (String, String)>,
        max_bytes: u64,
    ) -> Result<Storage, StorageError> {
        let part_bytes = if url.starts_with("s3://") {
            S3_PART_BYTES
        } else {
            FILE_PART_BYTES
        };
        let mut local_root = None;
        let store: Arc<dyn ObjectStore> = if let Some(dir) = url.strip_prefix("file://") {
            let root = std::fs::create_dir_all(dir)
                .and_then(|()| std::fs::canonicalize(FsPath::new(dir)))
                .map_err(|err| StorageError::Source(format!("creating {dir}: {err}")))?;
            local_root = Some(root.clone());
            Arc::new(LocalFileSystem::new_with_prefix(root)?)
        } else if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            if bucket.is_empty() {
                return Err(StorageError::BadUrl(url.to_owned()));
            }
            let mut builder = AmazonS3Builder::new().with_bucket_name(bucket);
            for (name, value) in aws {
                if let Ok(key) = name.to_ascii_lowercase().parse::<AmazonS3ConfigKey>() {
                    builder = builder.with_config(key, value);
                }
            }
            let s3 = builder.build()?;
            let prefix = prefix.trim_matches('/');
            if prefix.is_empty() {
                Arc::new(s3)
            } else {
                Arc::new(PrefixStore::new(s3, prefix))
            }
        } else {
            return Err(StorageError::BadUrl(url.to_owned()));
        };
        Ok(Storage {
            store,
            max_bytes,
            part_bytes,
            local_root,
        })
    }

    /// The same store, taking files of at most `max_bytes`.
    pub fn with_max(&self, max_bytes: u64) -> Storage {
        Storage {
            store: self.store.clone(),
            max_bytes,
            part_bytes: self.part_bytes,
            local_root: self.local_root.clone(),
        }
    }

    /// Streams `chunks` into a new object of `org_id`, refusing a file over
    /// `max_bytes`, an empty one, or one whose sniffed type `allowed` does not take;
    /// a refused or broken-off upload leaves nothing behind.
    pub async fn put<S, E>(
        &self,
        org_id: Uuid,
        file_name: &str,
        allowed: Allowed,
        chunks: S,
    ) -> Result<Stored, StorageError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let key = ObjectKey::new(org_id);
        let upload = self.store.put_multipart(&key.path()).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, self.part_bytes);
        match self.write(&mut writer, file_name, allowed, chunks).await {
            Ok((size, sha256, content_type)) => {
                writer.finish().await?;
                Ok(Stored {
                    key,
                    size,
                    sha256,
                    content_type,
                })
            }
            Err(err) => {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(error = %abort, "aborting a refused upload");
                }
                Err(err)
            }
        }
    }

    async fn write<S, E>(
        &self,
        writer: &mut WriteMultipart,
        file_name: &str,
        allowed: Allowed,
        mut chunks: S,
    ) -> Result<(u64, String, &'static str), StorageError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut head: Vec<u8> = Vec::with_capacity(HEAD_BYTES);
        let mut content_type = None;
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(|err| StorageError::Source(err.to_string()))?;
            size += chunk.len() as u64;
            if size > self.max_bytes {
                return Err(StorageError::TooLarge {
                    limit: self.max_bytes,
                });
            }
            if content_type.is_none() {
                let take = (HEAD_BYTES - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
                if head.len() == HEAD_BYTES {
                    content_type = Some(sniff(&head, file_name, allowed)?);
                }
            }
            hasher.update(&chunk);
            writer.wait_for_capacity(PARTS_IN_FLIGHT).await?;
            writer.put(chunk);
        }
        if size == 0 {
            return Err(StorageError::Empty);
        }
        let content_type = match content_type {
            Some(found) => found,
            None => sniff(&head, file_name, allowed)?,
        };
        Ok((size, hex(&hasher.finalize()), content_type))
    }

    /// `range` of the object's bytes, which must lie within its `size` (as stored with
    /// its row); the whole object when `range` is `None`.
    pub async fn get_within(
        &self,
        key: &ObjectKey,
        size: i64,
        range: Option<Range<u64>>,
    ) -> Result<BoxStream<'static, Result<Bytes, StorageError>>, StorageError> {
        let size = u64::try_from(size).unwrap_or(0);
        if range
            .as_ref()
            .is_some_and(|range| range.start >= range.end || range.end > size)
        {
            return Err(StorageError::OutOfRange);
        }
        self.get(key, range).await
    }

    /// The object's bytes (or `range` of them, which the caller keeps within the size it
    /// stored), streamed in the store's chunks.
    pub async fn get(
        &self,
        key: &ObjectKey,
        range: Option<Range<u64>>,
    ) -> Result<BoxStream<'static, Result<Bytes, StorageError>>, StorageError> {
        if let Some(root) = &self.local_root {
            return local_read(
                root.join(key.org_id.to_string())
                    .join(key.file_id.to_string()),
                range,
            )
            .await;
        }
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let found = self
            .store
            .get_opts(&key.path(), options)
            .await
            .map_err(|err| match err {
                object_store::Error::NotFound { .. } => StorageError::NotFound,
                other => StorageError::Store(other),
            })?;
        let chunks = found
            .into_stream()
            .map(|chunk| chunk.map_err(StorageError::Store));
        Ok(coalesced(chunks.boxed(), READ_BYTES))
    }

    /// Deletes the object; one already gone is not an error.
    pub async fn delete(&self, key: &ObjectKey) -> Result<(), StorageError> {
        match self.store.delete(&key.path()).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    /// Removes objects last written before `before` that `known` does not claim (a
    /// crash between writing an object and its row leaves one); answers how many.
    pub async fn sweep<F, Fut>(&self, before: DateTime<Utc>, known: F) -> Result<u64, StorageError>
    where
        F: Fn(ObjectKey) -> Fut,
        Fut: Future<Output = bool>,
    {
        let mut listed = self.store.list(None);
        let mut removed = 0;
        while let Some(meta) = listed.next().await {
            let meta = meta?;
            let Some(key) = ObjectKey::of(&meta.location) else {
                continue;
            };
            if meta.last_modified < before && !known(key.clone()).await {
                self.delete(&key).await?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}
