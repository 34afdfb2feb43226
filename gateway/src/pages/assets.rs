//! The stylesheet and script of the pages, embedded in the binary and served under
//! `/assets/` by a name that carries the hash of their bytes, so they can be cached for a
//! year and a new build is never served an old file.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use sha2::{Digest, Sha256};

/// One embedded file.
pub struct Asset {
    /// The name pages link to: `app.<hash>.css`.
    pub name: String,
    pub bytes: &'static [u8],
    pub content_type: &'static str,
}

const FILES: [(&str, &str, &[u8], &str); 2] = [
    (
        "app",
        "css",
        include_bytes!("../../assets/app.css"),
        "text/css; charset=utf-8",
    ),
    (
        "app",
        "js",
        include_bytes!("../../assets/app.js"),
        "text/javascript; charset=utf-8",
    ),
];

/// Every asset, named by its hash.
pub fn all() -> &'static [Asset] {
    static ASSETS: OnceLock<Vec<Asset>> = OnceLock::new();
    ASSETS.get_or_init(|| {
        FILES
            .iter()
            .map(|(stem, ext, bytes, content_type)| {
                let digest = Sha256::digest(bytes);
                let hash: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
                Asset {
                    name: format!("{stem}.{hash}.{ext}"),
                    bytes,
                    content_type,
                }
            })
            .collect()
    })
}

/// The path of the stylesheet.
pub fn css() -> String {
    format!("/assets/{}", all()[0].name)
}

/// The path of the script.
pub fn js() -> String {
    format!("/assets/{}", all()[1].name)
}

pub async fn serve(Path(name): Path<String>) -> Response {
    let Some(asset) = all().iter().find(|a| a.name == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        asset.bytes,
    )
        .into_response()
}
