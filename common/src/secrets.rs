//! Secrets generated once into the data dir (mode 0600) when the environment gives none,
//! so a one-machine install needs no configuration and keeps its secrets across restarts.

use std::io::{ErrorKind, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use secrecy::SecretString;

use crate::token::random_token;

/// Returns the secret stored in `<dir>/<name>`, creating it with 32 random bytes if absent.
pub fn load_or_generate(dir: &Path, name: &str) -> anyhow::Result<SecretString> {
    let path = dir.join(name);
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path);
    match created {
        Ok(mut file) => {
            let secret = random_token();
            file.write_all(secret.as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("writing {}", path.display()))?;
            Ok(SecretString::from(secret))
        }
        Err(err) if err.kind() == ErrorKind::AlreadyExists => read_existing(&path),
        Err(err) => Err(err).with_context(|| format!("creating {}", path.display())),
    }
}

/// Reads a secret file, waiting briefly for a concurrent creator to finish writing it.
fn read_existing(path: &Path) -> anyhow::Result<SecretString> {
    for _ in 0..50 {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let text = text.trim();
        if !text.is_empty() {
            return Ok(SecretString::from(text.to_owned()));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    bail!(
        "{} is empty: delete it to generate a new secret",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn a_generated_secret_is_private_and_stable() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_generate(dir.path(), "service-token").unwrap();
        let second = load_or_generate(dir.path(), "service-token").unwrap();
        assert_eq!(first.expose_secret(), second.expose_secret());
        assert_eq!(first.expose_secret().len(), 43);
        let mode = std::fs::metadata(dir.path().join("service-token"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
