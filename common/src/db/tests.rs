use sqlx::Connection;

/// `.cargo/config.toml` compiles SQLite without its memory statistics, whose one
/// process-wide mutex the connection threads queued on under concurrent reads.
#[tokio::test]
async fn sqlite_is_built_without_the_memory_statistics_mutex() {
    let mut connection = sqlx::SqliteConnection::connect("sqlite::memory:")
        .await
        .unwrap();
    let options: Vec<String> = sqlx::query_scalar("pragma compile_options")
        .fetch_all(&mut connection)
        .await
        .unwrap();
    assert!(
        options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
        "{options:?}"
    );
}
