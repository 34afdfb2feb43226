//! The tests' HTTP client: `reqwest` with every answer from the gateway held to the API
//! document ([`super::contract`]) before the test sees it. A test that receives an
//! answer the document does not describe fails right there.

use super::contract::contract;

/// Marks answers that no route made (the router's own 404 and 405).
const UNMATCHED: &str = "x-atrium-unmatched";

#[derive(Clone, Default)]
pub struct Http(reqwest::Client);

impl Http {
    pub fn new() -> Http {
        Http(reqwest::Client::new())
    }

    /// A client whose requests give up after `timeout`.
    pub fn with_timeout(timeout: std::time::Duration) -> Http {
        Http(
            reqwest::Client::builder()
                .timeout(timeout)
                .build()
                .expect("client"),
        )
    }

    pub fn request(&self, method: reqwest::Method, url: impl AsRef<str>) -> Builder {
        let url = url.as_ref().to_owned();
        Builder {
            inner: self.0.request(method.clone(), &url),
            method,
            url,
        }
    }

    pub fn get(&self, url: impl AsRef<str>) -> Builder {
        self.request(reqwest::Method::GET, url)
    }

    pub fn post(&self, url: impl AsRef<str>) -> Builder {
        self.request(reqwest::Method::POST, url)
    }

    pub fn put(&self, url: impl AsRef<str>) -> Builder {
        self.request(reqwest::Method::PUT, url)
    }

    pub fn patch(&self, url: impl AsRef<str>) -> Builder {
        self.request(reqwest::Method::PATCH, url)
    }

    pub fn delete(&self, url: impl AsRef<str>) -> Builder {
        self.request(reqwest::Method::DELETE, url)
    }
}

/// A request being built; `send` checks the answer against the document.
pub struct Builder {
    inner: reqwest::RequestBuilder,
    method: reqwest::Method,
    url: String,
}

impl Builder {
    pub fn header<K, V>(mut self, key: K, value: V) -> Builder
    where
        http::HeaderName: TryFrom<K>,
        <http::HeaderName as TryFrom<K>>::Error: Into<http::Error>,
        http::HeaderValue: TryFrom<V>,
        <http::HeaderValue as TryFrom<V>>::Error: Into<http::Error>,
    {
        self.inner = self.inner.header(key, value);
        self
    }

    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Builder {
        self.inner = self.inner.json(body);
        self
    }

    pub fn body(mut self, body: impl Into<reqwest::Body>) -> Builder {
        self.inner = self.inner.body(body);
        self
    }

    pub fn bearer_auth(mut self, token: impl std::fmt::Display) -> Builder {
        self.inner = self.inner.bearer_auth(token);
        self
    }

    /// Sends the request and checks the answer against the document (panicking, so the
    /// test fails, where it does not fit); answers it as received.
    pub async fn send(self) -> reqwest::Result<reqwest::Response> {
        let response = self.inner.send().await?;
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        let routed = !headers.contains_key(UNMATCHED);
        let path = self
            .url
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
            .unwrap_or_else(|| "/".to_owned());
        if routed {
            let json = headers
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/json"));
            if let Err(problem) =
                contract().check(self.method.as_str(), &path, status.as_u16(), json, &body)
            {
                panic!(
                    "{} {path}: the answer breaks the API document: {problem}",
                    self.method
                );
            }
        }
        let mut rebuilt = http::Response::builder().status(status).version(version);
        if let Some(all) = rebuilt.headers_mut() {
            *all = headers;
        }
        Ok(reqwest::Response::from(
            rebuilt.body(body).expect("a response rebuilds"),
        ))
    }
}
