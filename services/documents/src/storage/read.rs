//! Reading stored bytes in [`READ_BYTES`] pieces: local files directly (object_store's
//! local reads are 8 KiB each on a blocking thread) and any store's chunks gathered.

use std::ops::Range;

use bytes::Bytes;
use futures_util::stream::{BoxStream, StreamExt};

use super::{READ_BYTES, StorageError};

/// A local file (or `range` of it) read in [`READ_BYTES`] pieces.
pub(super) async fn local_read(
    path: std::path::PathBuf,
    range: Option<Range<u64>>,
) -> Result<BoxStream<'static, Result<Bytes, StorageError>>, StorageError> {
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    let mut file = match tokio::fs::File::open(&path).await {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(StorageError::NotFound);
        }
        Err(err) => {
            return Err(StorageError::Source(format!(
                "opening a stored file: {err}"
            )));
        }
    };
    let (start, end) = match range {
        Some(range) => (range.start, range.end),
        None => (
            0,
            file.metadata()
                .await
                .map_err(|err| StorageError::Source(err.to_string()))?
                .len(),
        ),
    };
    file.seek(std::io::SeekFrom::Start(start))
        .await
        .map_err(|err| StorageError::Source(err.to_string()))?;
    let left = end.saturating_sub(start);
    Ok(
        futures_util::stream::unfold((file, left), |(mut file, left)| async move {
            if left == 0 {
                return None;
            }
            let want = usize::try_from(left).unwrap_or(usize::MAX).min(READ_BYTES);
            let mut buffer = bytes::BytesMut::with_capacity(want);
            while buffer.len() < want {
                match file.read_buf(&mut buffer).await {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(err) => {
                        return Some((Err(StorageError::Source(err.to_string())), (file, 0)));
                    }
                }
                if buffer.capacity() == buffer.len() {
                    break;
                }
            }
            if buffer.is_empty() {
                let short =
                    StorageError::Source("the stored file is shorter than its row says".into());
                return Some((Err(short), (file, 0)));
            }
            let got = buffer.len() as u64;
            Some((Ok(buffer.freeze()), (file, left - got)))
        })
        .boxed(),
    )
}

/// `chunks` gathered into pieces of about `size` bytes (the last may be shorter).
pub(super) fn coalesced(
    chunks: BoxStream<'static, Result<Bytes, StorageError>>,
    size: usize,
) -> BoxStream<'static, Result<Bytes, StorageError>> {
    futures_util::stream::unfold(Some(chunks), move |chunks| async move {
        let mut chunks = chunks?;
        let mut gathered = bytes::BytesMut::new();
        while gathered.len() < size {
            match chunks.next().await {
                Some(Ok(chunk)) if gathered.is_empty() && chunk.len() >= size => {
                    return Some((Ok(chunk), Some(chunks)));
                }
                Some(Ok(chunk)) => gathered.extend_from_slice(&chunk),
                Some(Err(err)) => return Some((Err(err), None)),
                None if gathered.is_empty() => return None,
                None => return Some((Ok(gathered.freeze()), None)),
            }
        }
        Some((Ok(gathered.freeze()), Some(chunks)))
    })
    .boxed()
}
