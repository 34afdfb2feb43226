//! A service's migrations, written once: each file under `migrations/` is PostgreSQL,
//! and SQLite runs the same text with PostgreSQL's column types spelt its way
//! ([`sqlite_text`]). A migration SQLite cannot run as translated (it rebuilds a table,
//! or calls a PostgreSQL function) has its own text in `migrations/sqlite/` under the
//! same name. Files are embedded at build time by [`migrations!`](crate::migrations).

use std::borrow::Cow;
use std::sync::OnceLock;

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AssertSqlSafe, SqlSafeStr};

/// Declares the calling service's `MIGRATIONS` from its files, embedded at build time:
/// `migrations!("0001_init", "0002_outbox"(sqlite), …)` lists `migrations/NNNN_….sql`
/// in order, `(sqlite)` where `migrations/sqlite/` holds SQLite's own text (see
/// [this module](self)); `migrations!(in "dir": …)` reads another
/// folder of the crate. A unit test checks that the list names every file.
#[macro_export]
macro_rules! migrations {
    (in $dir:literal: $($name:literal $(($own:ident))?),* $(,)?) => {
        /// This service's migrations on both backends.
        pub static MIGRATIONS: $crate::db::Migrations = $crate::db::Migrations::new(&[$(
            $crate::db::MigrationFile {
                name: $name,
                postgres: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $dir, "/", $name, ".sql")),
                sqlite: $crate::migrations!(@sqlite $dir, $name $($own)?),
            },
        )*]);

        #[cfg(test)]
        #[test]
        fn every_migration_file_is_listed() {
            MIGRATIONS.assert_lists_every_file(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join($dir));
        }
    };
    (@sqlite $dir:literal, $name:literal sqlite) => {
        Some(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $dir, "/sqlite/", $name, ".sql")))
    };
    (@sqlite $dir:literal, $name:literal) => {
        None
    };
    ($($name:literal $(($own:ident))?),* $(,)?) => {
        $crate::migrations!(in "migrations": $($name $(($own))?),*);
    };
}

/// PostgreSQL's column types and the SQLite types the same values are stored as: uuids
/// and bytes as blobs, times as RFC 3339 text, wide integers as integers.
const SQLITE_TYPES: [(&str, &str); 4] = [
    ("uuid", "blob"),
    ("bytea", "blob"),
    ("timestamptz", "text"),
    ("bigint", "integer"),
];

/// One migration as embedded: its file name without `.sql`, its PostgreSQL text and,
/// where SQLite needs its own, that text.
pub struct MigrationFile {
    pub name: &'static str,
    pub postgres: &'static str,
    pub sqlite: Option<&'static str>,
}

/// A service's migrations on both backends, built from its files on first use.
pub struct Migrations {
    files: &'static [MigrationFile],
    postgres: OnceLock<Migrator>,
    sqlite: OnceLock<Migrator>,
}

impl Migrations {
    pub const fn new(files: &'static [MigrationFile]) -> Migrations {
        Migrations {
            files,
            postgres: OnceLock::new(),
            sqlite: OnceLock::new(),
        }
    }

    pub fn postgres(&self) -> &Migrator {
        self.postgres.get_or_init(|| {
            let texts = self
                .files
                .iter()
                .map(|f| (f.name, Cow::Borrowed(f.postgres)));
            migrator(texts)
        })
    }

    pub fn sqlite(&self) -> &Migrator {
        self.sqlite.get_or_init(|| {
            let texts = self.files.iter().map(|f| {
                let text = f
                    .sqlite
                    .map_or_else(|| sqlite_text(f.postgres).into(), Cow::Borrowed);
                (f.name, text)
            });
            migrator(texts)
        })
    }

    /// These migrations up to and with `version`, as a database stood before the later
    /// ones (for tests of what a migration does to existing rows).
    pub fn up_to(&self, version: i64) -> Migrations {
        let cut = |migrator: &Migrator| {
            let kept = migrator.iter().filter(|m| m.version <= version).cloned();
            OnceLock::from(Migrator::with_migrations(kept.collect()))
        };
        Migrations {
            files: &[],
            postgres: cut(self.postgres()),
            sqlite: cut(self.sqlite()),
        }
    }

    /// Panics unless every `.sql` file in `dir` and `dir/sqlite` is one of these
    /// migrations, so a file added to the folder but not to the list cannot be missed.
    pub fn assert_lists_every_file(&self, dir: &std::path::Path) {
        for (folder, own) in [(dir.to_path_buf(), false), (dir.join("sqlite"), true)] {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            for entry in entries {
                let path = entry.expect("a readable migrations folder").path();
                let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                let Some(name) = name.strip_suffix(".sql") else {
                    continue;
                };
                let listed = self
                    .files
                    .iter()
                    .any(|f| f.name == name && (!own || f.sqlite.is_some()));
                assert!(
                    listed,
                    "{} is not in the service's migrations! list",
                    path.display()
                );
            }
        }
    }
}

fn migrator<'a>(texts: impl Iterator<Item = (&'a str, Cow<'static, str>)>) -> Migrator {
    let migrations = texts.map(|(name, sql)| {
        let (version, description) = name.split_once('_').expect("a migration named NNNN_what");
        let version = version.parse().expect("a migration's number");
        let no_tx = sql.starts_with("-- no-transaction");
        let sql = match sql {
            Cow::Borrowed(text) => text.into_sql_str(),
            Cow::Owned(text) => AssertSqlSafe(text).into_sql_str(),
        };
        let description = description.replace('_', " ").into();
        Migration::new(version, description, MigrationType::Simple, sql, no_tx)
    });
    Migrator::with_migrations(migrations.collect())
}

/// `text` with each PostgreSQL column type, as a whole word, replaced by its SQLite twin.
pub fn sqlite_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let word_len = rest.find(|c: char| !is_word(c)).unwrap_or(rest.len());
        if word_len == 0 {
            let c = rest.chars().next().expect("rest is not empty");
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let word = &rest[..word_len];
        let twin = SQLITE_TYPES
            .iter()
            .find(|(pg, _)| *pg == word)
            .map(|(_, sqlite)| *sqlite);
        out.push_str(twin.unwrap_or(word));
        rest = &rest[word_len..];
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::sqlite_text;

    #[test]
    fn only_whole_words_are_translated() {
        assert_eq!(
            sqlite_text("id uuid, uuids text, at timestamptz,\nn bigint not null, b bytea"),
            "id blob, uuids text, at text,\nn integer not null, b blob"
        );
    }
}
