//! The storage contract, on every store: byte-exact round trips in parts, ranges,
//! refusals that leave nothing behind, deletes, and the sweep of objects without rows.

use std::convert::Infallible;

use atrium_documents::storage::{Allowed, ObjectKey, StorageError};
use bytes::Bytes;
use chrono::{Duration, Utc};
use futures_util::StreamExt;
use futures_util::stream;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::support::{MAX_BYTES, stores};

/// A text file of `n` bytes that is not one byte repeated.
fn text_of(n: usize) -> Vec<u8> {
    (0..n).map(|i| b"abcdefghij\n"[i % 11]).collect()
}

/// `bytes` as the chunks a client sends (at most 256 KiB each).
fn chunks(bytes: &[u8]) -> impl futures_util::Stream<Item = Result<Bytes, Infallible>> + Unpin {
    let parts: Vec<Result<Bytes, Infallible>> = bytes
        .chunks(256 * 1024)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    stream::iter(parts)
}

async fn read_all(
    storage: &atrium_documents::storage::Storage,
    key: &ObjectKey,
    range: Option<std::ops::Range<u64>>,
) -> Result<Vec<u8>, StorageError> {
    let mut stream = storage.get(key, range).await?;
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk?);
    }
    Ok(out)
}

/// How many objects the store holds (a sweep that claims none, counted, not run).
async fn objects(storage: &atrium_documents::storage::Storage) -> u64 {
    let far = Utc::now() + Duration::days(1);
    // Claiming every key: nothing is removed, the closure counts what is listed.
    let seen = std::sync::atomic::AtomicU64::new(0);
    storage
        .sweep(far, |_| {
            seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            async { true }
        })
        .await
        .unwrap();
    seen.into_inner()
}

#[tokio::test]
async fn a_file_goes_in_and_out_byte_for_byte_in_parts_and_ranges() {
    for store in stores().await {
        let storage = &store.storage;
        let org = Uuid::new_v4();
        // Three parts of 5 MiB and a short one.
        let bytes = text_of(15 * 1024 * 1024 + 12_345);
        let stored = storage
            .put(
                org,
                "Grüße – Bericht.csv",
                Allowed::Documents,
                chunks(&bytes),
            )
            .await
            .unwrap();
        assert_eq!(stored.size, bytes.len() as u64, "{}", store.name);
        assert_eq!(stored.sha256, format!("{:x}", Sha256::digest(&bytes)));
        assert_eq!(stored.content_type, "text/csv");
        assert_eq!(stored.key.org_id, org);
        assert_eq!(read_all(storage, &stored.key, None).await.unwrap(), bytes);
        let range = 5 * 1024 * 1024 - 10..5 * 1024 * 1024 + 10;
        let part = read_all(storage, &stored.key, Some(range.clone()))
            .await
            .unwrap();
        assert_eq!(
            part,
            bytes[range.start as usize..range.end as usize],
            "{}",
            store.name
        );
        assert_eq!(objects(storage).await, 1, "{}", store.name);
    }
}

#[tokio::test]
async fn refused_and_broken_uploads_leave_nothing_behind() {
    for store in stores().await {
        let storage = &store.storage;
        let org = Uuid::new_v4();
        let too_big = text_of(MAX_BYTES as usize + 1);
        let refused = storage
            .put(org, "big.txt", Allowed::Documents, chunks(&too_big))
            .await;
        assert!(
            matches!(refused, Err(StorageError::TooLarge { limit: MAX_BYTES })),
            "{}",
            store.name
        );
        let empty = storage
            .put(org, "empty.txt", Allowed::Documents, chunks(b""))
            .await;
        assert!(matches!(empty, Err(StorageError::Empty)), "{}", store.name);
        let html = storage
            .put(
                org,
                "page.txt",
                Allowed::Documents,
                chunks(b"<!doctype html><script>x</script>"),
            )
            .await;
        assert!(
            matches!(html, Err(StorageError::Unsupported)),
            "{}",
            store.name
        );
        let pdf_as_photo = storage
            .put(org, "a.jpg", Allowed::Images, chunks(b"%PDF-1.7\n"))
            .await;
        assert!(
            matches!(pdf_as_photo, Err(StorageError::Unsupported)),
            "{}",
            store.name
        );
        // A client that goes away halfway through.
        let mut parts: Vec<Result<Bytes, String>> = vec![Ok(Bytes::from(text_of(6 * 1024 * 1024)))];
        parts.push(Err("connection reset".to_owned()));
        let broken = storage
            .put(org, "cut.txt", Allowed::Documents, stream::iter(parts))
            .await;
        assert!(
            matches!(broken, Err(StorageError::Source(_))),
            "{}",
            store.name
        );
        assert_eq!(objects(storage).await, 0, "{}: nothing kept", store.name);
    }
}

#[tokio::test]
async fn deleted_objects_are_gone_and_the_sweep_removes_only_the_unclaimed() {
    for store in stores().await {
        let storage = &store.storage;
        let org = Uuid::new_v4();
        let kept = storage
            .put(org, "a.txt", Allowed::Documents, chunks(b"kept"))
            .await
            .unwrap();
        let orphan = storage
            .put(org, "b.txt", Allowed::Documents, chunks(b"orphan"))
            .await
            .unwrap();
        let gone = storage
            .put(org, "c.txt", Allowed::Documents, chunks(b"gone"))
            .await
            .unwrap();
        storage.delete(&gone.key).await.unwrap();
        storage.delete(&gone.key).await.unwrap();
        assert!(matches!(
            read_all(storage, &gone.key, None).await,
            Err(StorageError::NotFound)
        ));
        // Objects younger than the cut-off stay, claimed or not.
        let young = storage
            .sweep(Utc::now() - Duration::days(1), |_| async { false })
            .await
            .unwrap();
        assert_eq!(young, 0, "{}", store.name);
        let swept = storage
            .sweep(Utc::now() + Duration::minutes(1), |key| {
                let claimed = key == kept.key;
                async move { claimed }
            })
            .await
            .unwrap();
        assert_eq!(swept, 1, "{}", store.name);
        assert_eq!(read_all(storage, &kept.key, None).await.unwrap(), b"kept");
        assert!(matches!(
            read_all(storage, &orphan.key, None).await,
            Err(StorageError::NotFound)
        ));
    }
}
