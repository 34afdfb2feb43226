//! Staff access tokens: HS256 JWTs that name a server-side session. The signature and
//! expiry are checked here; whether the session still lives is the store's question.

use atrium_common::ids::{OrgId, StaffId, StaffSessionId};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The staff member.
    pub sub: StaffId,
    pub org: OrgId,
    /// The staff session this token belongs to.
    pub sid: StaffSessionId,
    pub iat: i64,
    pub exp: i64,
}

fn mac(secret: &SecretString) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes())
        .expect("hmac takes any key length")
}

/// Signs `claims` into a compact JWT.
pub fn sign(claims: &Claims, secret: &SecretString) -> String {
    let payload = serde_json::to_vec(claims).expect("claims serialize");
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(HEADER),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let mut mac = mac(secret);
    mac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

/// Returns the claims of a token signed with `secret` that has not expired at `now`.
pub fn verify(token: &str, secret: &SecretString, now: DateTime<Utc>) -> Option<Claims> {
    verify_signature(token, secret).filter(|claims| claims.exp > now.timestamp())
}

/// Returns the claims of a token signed with `secret`, expired or not (a refresh renews
/// an expired token while its session lives).
pub fn verify_signature(token: &str, secret: &SecretString) -> Option<Claims> {
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || URL_SAFE_NO_PAD.decode(header).ok()? != HEADER.as_bytes() {
        return None;
    }
    let mut mac = mac(secret);
    mac.update(header.as_bytes());
    mac.update(b".");
    mac.update(payload.as_bytes());
    mac.verify_slice(&URL_SAFE_NO_PAD.decode(signature).ok()?)
        .ok()?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(now: DateTime<Utc>) -> Claims {
        Claims {
            sub: StaffId::new(),
            org: OrgId::new(),
            sid: StaffSessionId::new(),
            iat: now.timestamp(),
            exp: now.timestamp() + 900,
        }
    }

    #[test]
    fn a_token_verifies_until_it_expires() {
        let secret = SecretString::from("k".repeat(32));
        let now = Utc::now();
        let claims = claims(now);
        let token = sign(&claims, &secret);
        assert_eq!(verify(&token, &secret, now), Some(claims));
        assert_eq!(
            verify(&token, &secret, now + chrono::TimeDelta::seconds(900)),
            None
        );
    }

    #[test]
    fn a_token_from_another_key_or_tampered_is_refused() {
        let now = Utc::now();
        let token = sign(&claims(now), &SecretString::from("one".to_owned()));
        assert_eq!(
            verify(&token, &SecretString::from("two".to_owned()), now),
            None
        );
        let mut tampered = token.clone();
        tampered.insert(token.find('.').unwrap() + 2, 'x');
        assert_eq!(
            verify(&tampered, &SecretString::from("one".to_owned()), now),
            None
        );
        assert_eq!(
            verify("a.b", &SecretString::from("one".to_owned()), now),
            None
        );
    }
}
