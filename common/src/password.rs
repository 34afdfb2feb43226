//! Argon2id password hashing on a bounded blocking pool, so a login storm waits its turn
//! instead of stalling every other request of the runtime.

use std::sync::{Arc, LazyLock};

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use tokio::sync::Semaphore;

/// DESIGN.md's floor: m = 19 MiB, t = 2, p = 1.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const PARALLELISM: u32 = 1;

pub const MIN_PASSWORD_BYTES: usize = 12;
pub const MAX_PASSWORD_BYTES: usize = 128;

/// How many hashes run at once (the login pool): one per core, at least two.
pub fn hashing_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .max(2)
}

/// At most this many hashes run at once; the rest queue here, not on the blocking pool.
static HASHING: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| Arc::new(Semaphore::new(hashing_threads())));

fn argon2() -> Argon2<'static> {
    let params =
        Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).expect("valid argon2 params");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Returns why a new password is unacceptable, or `None`.
pub fn password_problem(password: &str) -> Option<&'static str> {
    if password.len() < MIN_PASSWORD_BYTES {
        return Some("must be at least 12 bytes");
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Some("must be at most 128 bytes");
    }
    None
}

/// Hashes a password into its PHC string.
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    let _permit = HASHING.clone().acquire_owned().await?;
    tokio::task::spawn_blocking(move || {
        PasswordHasher::<PasswordHash>::hash_password(&argon2(), password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|err| anyhow::anyhow!("hashing password: {err}"))
    })
    .await?
}

/// Checks a password against a PHC string; a malformed hash never verifies.
pub async fn verify_password(password: String, phc: String) -> anyhow::Result<bool> {
    let _permit = HASHING.clone().acquire_owned().await?;
    Ok(tokio::task::spawn_blocking(move || verify_here(&password, &phc)).await?)
}

/// Verifies on the calling thread, without the pool (the benchmark's raw rate).
pub fn verify_here(password: &str, phc: &str) -> bool {
    PasswordVerifier::<str>::verify_password(&argon2(), password.as_bytes(), phc).is_ok()
}

/// A valid hash of a password nobody knows, verified for unknown accounts so that they
/// take as long as known ones.
pub async fn dummy_hash() -> &'static str {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_init(|| async {
            hash_password(crate::token::random_token())
                .await
                .expect("hashing a random password")
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_password() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            verify_password("correct horse battery".into(), hash.clone())
                .await
                .unwrap()
        );
        assert!(
            !verify_password("wrong horse battery".into(), hash)
                .await
                .unwrap()
        );
        assert!(
            !verify_password("x".into(), "not a hash".into())
                .await
                .unwrap()
        );
    }

    #[test]
    fn passwords_are_measured_in_bytes() {
        assert!(password_problem("short").is_some());
        assert!(password_problem("ääääää").is_none()); // 12 bytes
        assert!(password_problem(&"a".repeat(129)).is_some());
    }
}
