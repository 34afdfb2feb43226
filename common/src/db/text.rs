//! What the stores of every service share besides the handle: folding text for
//! case-insensitive matching on both backends, binding id lists, and telling the kinds
//! of database error apart.

/// True when the error says the database cannot be reached or cannot take the query
/// now (a connection that could not be had, broke or was refused; PostgreSQL shutting
/// down or out of connections; SQLite busy past its timeout): `UNAVAILABLE`, not a bug.
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            // PostgreSQL: class 08 connection exception, 57P01-03 shutting down, 53300
            // too many connections. SQLite: BUSY and LOCKED with their extended codes.
            code.starts_with("08")
                || code.starts_with("57P")
                || code == "53300"
                || matches!(code.as_ref(), "5" | "6" | "261" | "517" | "262")
        }),
        _ => false,
    }
}

/// Logs how many existing rows a start-up fill completed: a folded column (see [`fold`])
/// that a migration added empty, filled in Rust once for the rows from before it.
pub fn report_filled(filled: u64, column: &str) {
    if filled > 0 {
        tracing::info!(filled, "{column} filled for existing rows");
    }
}

/// The text a case-insensitive match runs on: each part trimmed and folded to lower case
/// for any script (SQLite's `lower()` folds ASCII only), one per line. Stored beside the
/// columns it is made of and matched with [`like_pattern`].
pub fn fold(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|part| part.trim().to_lowercase())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `%q%` for a case-insensitive substring match (`folded like $n escape '\'` on a
/// column made by [`fold`]), with LIKE's wildcards in `q` escaped.
pub fn like_pattern(q: &str) -> String {
    let escaped = q
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// True when the error is a unique-constraint violation, on either backend.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

/// True when PostgreSQL gave up on the transaction for another's sake (a deadlock or a
/// serialization failure): the whole transaction may be run again.
pub fn is_conflict(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db)
        if db.code().is_some_and(|code| code == "40001" || code == "40P01"))
}

/// `ids` as a JSON array of strings, for SQLite's `json_each` where PostgreSQL binds an
/// array: `… in (select unhex(replace(value, '-', '')) from json_each($n))` matches the
/// 16-byte blobs the ids are stored as.
pub fn ids_json<T: std::fmt::Display>(ids: &[T]) -> String {
    let quoted: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
    format!("[{}]", quoted.join(","))
}
