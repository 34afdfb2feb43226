//! Answers that are files (`design/documents.md`, Downloads over HTTP): the sniffed
//! `Content-Type`, a `Content-Disposition` that carries any name (`filename*`),
//! `nosniff`, `no-store`, the SHA-256 as `ETag` (`If-None-Match` → 304), one byte range
//! (206, or 416 outside the file), `HEAD` without fetching a byte. The bytes stream
//! from the service's server-streaming RPC straight into the body.

use std::future::Future;

use atrium_common::error::ApiError;
use atrium_proto::documents::v1 as pb;
use axum::body::Body;
use axum::response::Response;
use futures_util::StreamExt;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use tonic::Streaming;

/// How a browser should treat the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Saved under its name.
    Attachment,
    /// Shown in place (image renditions).
    Inline,
}

/// What the asker wants of a file whose description is known.
enum Wanted {
    NotModified,
    Unsatisfiable,
    Whole,
    Range(u64, u64),
}

/// `If-None-Match` naming the ETag (or `*`).
fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag == etag)
}

/// One `bytes=` range within a file of `size` bytes: `Some(None)` unsatisfiable; `None`
/// when there is no range to honour (absent, malformed or several: the whole file).
fn range_of(headers: &HeaderMap, size: u64) -> Option<Option<(u64, u64)>> {
    let text = headers.get(header::RANGE)?.to_str().ok()?.trim();
    let spec = text.strip_prefix("bytes=")?.trim();
    if spec.contains(',') {
        return None;
    }
    let (first, last) = spec.split_once('-')?;
    let (first, last) = (first.trim(), last.trim());
    let range = if first.is_empty() {
        // The last `n` bytes.
        let n: u64 = last.parse().ok()?;
        (n > 0 && size > 0).then(|| (size.saturating_sub(n), size - 1))
    } else {
        let start: u64 = first.parse().ok()?;
        let end = if last.is_empty() {
            size.saturating_sub(1)
        } else {
            let end: u64 = last.parse().ok()?;
            if end < start {
                return None;
            }
            end.min(size.saturating_sub(1))
        };
        (start < size).then_some((start, end))
    };
    Some(range)
}

fn wanted(headers: &HeaderMap, file: &pb::FileInfo, etag: &str) -> Wanted {
    if matches_etag(headers, etag) {
        return Wanted::NotModified;
    }
    let size = u64::try_from(file.size).unwrap_or(0);
    match range_of(headers, size) {
        None => Wanted::Whole,
        Some(None) => Wanted::Unsatisfiable,
        Some(Some((start, end))) if start == 0 && end + 1 == size => Wanted::Whole,
        Some(Some((start, end))) => Wanted::Range(start, end),
    }
}

/// `attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>`.
pub fn content_disposition(disposition: Disposition, name: &str) -> String {
    let kind = match disposition {
        Disposition::Attachment => "attachment",
        Disposition::Inline => "inline",
    };
    let ascii: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' && c != '%' => c,
            _ => '_',
        })
        .collect();
    let mut encoded = String::new();
    for byte in name.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => encoded.push(byte as char),
            b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~' => {
                encoded.push(byte as char);
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

fn base_headers(file: &pb::FileInfo, etag: &str, disposition: Disposition) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let mut set = |name, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    };
    set(header::ETAG, etag);
    set(header::ACCEPT_RANGES, "bytes");
    set(header::CACHE_CONTROL, "private, no-store");
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::CONTENT_TYPE, &file.content_type);
    set(
        header::CONTENT_DISPOSITION,
        &content_disposition(disposition, &file.name),
    );
    headers
}

fn with_headers(status: StatusCode, headers: HeaderMap, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

/// What a download answers before any byte is fetched: the status, headers, the range
/// to send and its length; or the whole answer (304, 416) when no bytes go.
fn plan(
    asked: &HeaderMap,
    (file, disposition): (&pb::FileInfo, Disposition),
) -> Result<(StatusCode, HeaderMap, Option<pb::ByteRange>, u64), Box<Response>> {
    let etag = format!("\"{}\"", file.sha256);
    let mut headers = base_headers(file, &etag, disposition);
    let size = u64::try_from(file.size).unwrap_or(0);
    let (status, range, length) = match wanted(asked, file, &etag) {
        Wanted::NotModified => {
            headers.remove(header::CONTENT_TYPE);
            headers.remove(header::CONTENT_DISPOSITION);
            return Err(Box::new(with_headers(
                StatusCode::NOT_MODIFIED,
                headers,
                Body::empty(),
            )));
        }
        Wanted::Unsatisfiable => {
            headers.remove(header::CONTENT_DISPOSITION);
            headers.remove(header::CONTENT_TYPE);
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}")) {
                headers.insert(header::CONTENT_RANGE, value);
            }
            let status = StatusCode::RANGE_NOT_SATISFIABLE;
            return Err(Box::new(with_headers(status, headers, Body::empty())));
        }
        Wanted::Whole => (StatusCode::OK, None, size),
        Wanted::Range(start, end) => {
            let value = format!("bytes {start}-{end}/{size}");
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(header::CONTENT_RANGE, value);
            }
            let range = pb::ByteRange {
                start,
                end: end + 1,
            };
            (StatusCode::PARTIAL_CONTENT, Some(range), end + 1 - start)
        }
    };
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    Ok((status, headers, range, length))
}

/// The answer to a download of a file made in memory (a PDF): the same headers, 304,
/// ranges and `HEAD` as a stored file's.
pub fn held(
    method: &Method,
    asked: &HeaderMap,
    (name, content_type, disposition): (&str, &str, Disposition),
    (bytes, sha256): (Vec<u8>, String),
) -> Response {
    let file = pb::FileInfo {
        name: name.to_owned(),
        size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        content_type: content_type.to_owned(),
        sha256,
    };
    let (status, headers, range, _) = match plan(asked, (&file, disposition)) {
        Ok(plan) => plan,
        Err(answer) => return *answer,
    };
    if method == Method::HEAD {
        return with_headers(status, headers, Body::empty());
    }
    let body = match range {
        Some(r) => bytes[r.start as usize..r.end as usize].to_vec(),
        None => bytes,
    };
    with_headers(status, headers, Body::from(body))
}

/// The answer to a download of `file` (described by a read just made): `fetch` opens
/// the byte stream of the whole file or of a range, only when bytes are to be sent.
pub async fn answer<F, Fut>(
    method: &Method,
    asked: &HeaderMap,
    (file, disposition): (pb::FileInfo, Disposition),
    fetch: F,
) -> Result<Response, ApiError>
where
    F: FnOnce(Option<pb::ByteRange>) -> Fut,
    Fut: Future<Output = Result<Streaming<pb::DownloadChunk>, ApiError>>,
{
    let (status, headers, range, length) = match plan(asked, (&file, disposition)) {
        Ok(plan) => plan,
        Err(answer) => return Ok(*answer),
    };
    if method == Method::HEAD || length == 0 {
        return Ok(with_headers(status, headers, Body::empty()));
    }
    let mut stream = fetch(range).await?;
    // The first message describes the file as it is now: a new version between the
    // read and this call would send bytes that are not the ETag's.
    match stream
        .message()
        .await
        .map_err(|s| ApiError::from_status(&s))?
    {
        Some(pb::DownloadChunk {
            part: Some(pb::download_chunk::Part::File(now)),
        }) if now.sha256 == file.sha256 => {}
        _ => {
            return Err(ApiError::with_code(
                StatusCode::CONFLICT,
                "CONFLICT",
                "the file changed meanwhile; ask again",
            ));
        }
    }
    Ok(with_headers(status, headers, body_of(stream)))
}

/// The bytes of a server stream's chunks (after its first message, the description).
fn body_of(stream: Streaming<pb::DownloadChunk>) -> Body {
    let bytes = stream.filter_map(|message| async move {
        match message {
            Ok(pb::DownloadChunk {
                part: Some(pb::download_chunk::Part::Chunk(bytes)),
            }) => Some(Ok(bytes::Bytes::from(bytes))),
            Ok(_) => None,
            Err(status) => Some(Err(std::io::Error::other(status.message().to_owned()))),
        }
    });
    Body::from_stream(bytes)
}

/// A file made as it is sent (a ZIP of a gallery): no length, ETag or ranges.
pub async fn made(
    name: &str,
    mut stream: Streaming<pb::DownloadChunk>,
) -> Result<Response, ApiError> {
    let first = stream
        .message()
        .await
        .map_err(|s| ApiError::from_status(&s))?;
    let file = match first {
        Some(pb::DownloadChunk {
            part: Some(pb::download_chunk::Part::File(file)),
        }) => file,
        _ => {
            return Err(ApiError::new(
                atrium_common::error::ErrorCode::Internal,
                "internal error",
            ));
        }
    };
    let mut headers = base_headers(&file, "", Disposition::Attachment);
    headers.remove(header::ETAG);
    headers.remove(header::ACCEPT_RANGES);
    if let Ok(value) = HeaderValue::from_str(&content_disposition(Disposition::Attachment, name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(with_headers(StatusCode::OK, headers, body_of(stream)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranged(value: &str, size: u64) -> Option<Option<(u64, u64)>> {
        let mut headers = HeaderMap::new();
        headers.insert(header::RANGE, HeaderValue::from_str(value).unwrap());
        range_of(&headers, size)
    }

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(ranged("bytes=0-9", 100), Some(Some((0, 9))));
        assert_eq!(ranged("bytes=90-", 100), Some(Some((90, 99))));
        assert_eq!(ranged("bytes=-10", 100), Some(Some((90, 99))));
        assert_eq!(ranged("bytes=95-200", 100), Some(Some((95, 99))));
        assert_eq!(ranged("bytes=100-", 100), Some(None));
        assert_eq!(ranged("bytes=0-1,5-6", 100), None);
        assert_eq!(ranged("bytes=9-1", 100), None);
        assert_eq!(ranged("items=0-1", 100), None);
    }

    #[test]
    fn any_name_survives_the_disposition() {
        assert_eq!(
            content_disposition(Disposition::Attachment, "Grundriss Küche \"v2\".pdf"),
            "attachment; filename=\"Grundriss K_che _v2_.pdf\"; \
             filename*=UTF-8''Grundriss%20K%C3%BCche%20%22v2%22.pdf"
        );
    }
}
