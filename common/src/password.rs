//! Argon2id password hashing on a bounded pool of dedicated threads, so a login storm
//! waits its turn instead of stalling every other request of the runtime.
//!
//! Each pool thread keeps its 19 MiB of argon2 memory between hashes (Argon2 writes
//! every block before reading it, so the buffer needs no clearing) and drops it after
//! a minute without work: a storm pays no allocation, page faults or zeroing per login.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use argon2::password_hash::phc::Output;
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, PasswordHasher, Version};
use tokio::sync::oneshot;

/// DESIGN.md's floor: m = 19 MiB, t = 2, p = 1.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const PARALLELISM: u32 = 1;

/// How long an idle pool thread keeps its argon2 memory.
const KEEP_MEMORY: Duration = Duration::from_secs(60);

pub const MIN_PASSWORD_BYTES: usize = 12;
pub const MAX_PASSWORD_BYTES: usize = 128;

/// How many hashes run at once (the login pool): one per core but one, which is left
/// to requests, so that a login storm never takes every core (at least one thread).
pub fn hashing_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get() - 1)
        .max(1)
}

enum Job {
    Hash(String, oneshot::Sender<anyhow::Result<String>>),
    Verify(String, String, oneshot::Sender<bool>),
}

/// The pool's queue: `hashing_threads()` threads take jobs from it in turn.
static POOL: LazyLock<mpsc::Sender<Job>> = LazyLock::new(|| {
    let (sender, receiver) = mpsc::channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    for n in 0..hashing_threads() {
        let receiver = receiver.clone();
        std::thread::Builder::new()
            .name(format!("argon2-{n}"))
            .spawn(move || hashing_thread(&receiver))
            .expect("starting a password hashing thread");
    }
    sender
});

fn hashing_thread(jobs: &Mutex<mpsc::Receiver<Job>>) {
    lower_priority();
    let mut memory = Memory::default();
    loop {
        let next = match jobs.lock() {
            Ok(jobs) => jobs.recv_timeout(KEEP_MEMORY),
            Err(_) => return,
        };
        match next {
            // A caller that has gone (its client hung up) needs no answer.
            Ok(Job::Verify(password, phc, answer)) if !answer.is_closed() => {
                let _ = answer.send(verify_with(&mut memory, &password, &phc));
            }
            Ok(Job::Hash(password, answer)) if !answer.is_closed() => {
                let _ = answer.send(
                    PasswordHasher::<PasswordHash>::hash_password(&argon2(), password.as_bytes())
                        .map(|hash| hash.to_string())
                        .map_err(|err| anyhow::anyhow!("hashing password: {err}")),
                );
            }
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => memory = Memory::default(),
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Runs this thread at niceness 10: the scheduler lets request threads preempt it, so the login pool never starves the rest of the process (on Linux; elsewhere
/// the pool keeps normal priority).
fn lower_priority() {
    use thread_priority::{
        NormalThreadSchedulePolicy, ThreadPriority, ThreadPriorityValue, ThreadSchedulePolicy,
    };
    // The crate maps 0–99 onto niceness 19…-20: 22 is niceness 10.
    let priority = ThreadPriorityValue::try_from(22u8).expect("in range");
    if let Err(err) = thread_priority::set_thread_priority_and_policy(
        thread_priority::thread_native_id(),
        ThreadPriority::Crossplatform(priority),
        ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Other),
    ) {
        tracing::debug!(error = ?err, "lowering the password hashing threads' priority");
    }
}

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
    let (answer, answered) = oneshot::channel();
    POOL.send(Job::Hash(password, answer))
        .map_err(|_| anyhow::anyhow!("the password hashing pool has stopped"))?;
    answered.await?
}

/// Checks a password against a PHC string; a malformed hash never verifies.
pub async fn verify_password(password: String, phc: String) -> anyhow::Result<bool> {
    let (answer, answered) = oneshot::channel();
    POOL.send(Job::Verify(password, phc, answer))
        .map_err(|_| anyhow::anyhow!("the password hashing pool has stopped"))?;
    Ok(answered.await?)
}

/// Argon2 working memory, kept between verifications on one thread.
#[derive(Default)]
pub struct Memory(Vec<Block>);

/// Verifies on the calling thread with `memory` (the pool's work, and the benchmark's
/// raw rate): the hash's own parameters, a constant-time comparison.
pub fn verify_with(memory: &mut Memory, password: &str, phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(hash.algorithm.as_str()),
        Params::try_from(&hash),
    ) else {
        return false;
    };
    let version = match hash.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(version)) => version,
        Some(Err(_)) => return false,
    };
    if params.m_cost() > 4 * MEMORY_KIB {
        return false; // a stored hash never asks for more than four times our own memory
    }
    if memory.0.len() < params.block_count() {
        memory.0 = vec![Block::new(); params.block_count()];
    }
    let mut out = [0u8; Output::MAX_LENGTH];
    let out = &mut out[..expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password.as_bytes(), salt, out, &mut memory.0[..])
        .is_ok()
        && Output::new(out).is_ok_and(|computed| computed == *expected)
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

    #[tokio::test]
    async fn reused_memory_gives_the_same_answers() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();
        let mut memory = Memory::default();
        for _ in 0..2 {
            assert!(verify_with(&mut memory, "correct horse battery", &hash));
            assert!(!verify_with(&mut memory, "correct horse batterY", &hash));
        }
        let weaker = hash.replace("m=19456", "m=8192");
        assert!(!verify_with(&mut memory, "correct horse battery", &weaker));
        let huge = hash.replace("m=19456", "m=4000000");
        assert!(!verify_with(&mut memory, "correct horse battery", &huge));
    }

    #[test]
    fn passwords_are_measured_in_bytes() {
        assert!(password_problem("short").is_some());
        assert!(password_problem("ääääää").is_none()); // 12 bytes
        assert!(password_problem(&"a".repeat(129)).is_some());
    }
}
