use super::*;

#[test]
fn the_connection_cap_stays_below_the_file_limit() {
    assert_eq!(default_max_connections(1024), 768);
    assert_eq!(default_max_connections(65_536), 65_280);
    assert_eq!(default_max_connections(40), 30);
}

fn resolve(env: Env) -> anyhow::Result<Settings> {
    let dir = tempfile::tempdir().unwrap();
    Settings::resolve(Env {
        data_dir: Some(dir.path().to_owned()),
        ..env
    })
}

#[test]
fn defaults_need_no_configuration() {
    let settings = resolve(Env::default()).unwrap();
    assert_eq!(settings.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(settings.public_url, "http://localhost:8080");
    assert_eq!(settings.identity.url, "http://127.0.0.1:50051");
    assert_eq!(settings.notifier.listen.port(), 50055);
    assert!(matches!(settings.database, DatabaseTarget::Sqlite { .. }));
    assert_eq!(settings.session_idle, Duration::from_secs(1800));
    assert_eq!(settings.rate_limits.login_account.count, 10);
}

#[test]
fn a_bad_address_names_its_variable() {
    let err = resolve(Env {
        portal_listen: Some("nope".into()),
        ..Env::default()
    })
    .unwrap_err();
    assert!(format!("{err:#}").contains("ATRIUM_PORTAL_LISTEN"));
}

#[test]
fn short_secrets_are_refused() {
    let env = Env {
        service_token: Some(SecretString::from("")),
        ..Env::default()
    };
    assert!(format!("{:#}", resolve(env).unwrap_err()).contains("ATRIUM_SERVICE_TOKEN"));
    let env = Env {
        platform_token: Some(SecretString::from("short")),
        ..Env::default()
    };
    assert!(resolve(env).is_err());
}

#[test]
fn a_partial_bootstrap_is_refused() {
    let env = Env {
        bootstrap_org: Some("acme".into()),
        ..Env::default()
    };
    assert!(resolve(env).is_err());
}

#[test]
fn trusted_proxies_take_cidrs_and_plain_addresses() {
    let env = Env {
        trusted_proxies: Some("10.0.0.0/8, 127.0.0.1".into()),
        ..Env::default()
    };
    let settings = resolve(env).unwrap();
    assert_eq!(settings.trusted_proxies.len(), 2);
    assert!(settings.trusted_proxies[1].contains(&"127.0.0.1".parse::<IpAddr>().unwrap()));
}

#[test]
fn an_unspecified_listen_address_is_dialled_on_loopback() {
    let env = Env {
        billing_listen: Some("0.0.0.0:6000".into()),
        ..Env::default()
    };
    let settings = resolve(env).unwrap();
    assert_eq!(settings.billing.url, "http://127.0.0.1:6000");
}

#[test]
fn files_go_under_the_data_dir_unless_a_store_is_named() {
    let settings = resolve(Env::default()).unwrap();
    assert!(
        settings.storage.url.starts_with("file:///"),
        "{}",
        settings.storage.url
    );
    assert!(settings.storage.url.ends_with("/files"));
    assert_eq!(settings.storage.upload_max_bytes, 104_857_600);
    assert_eq!(settings.storage.image_max_pixels, 50_000_000);
    let s3 = resolve(Env {
        storage_url: Some("s3://atrium/files".into()),
        upload_max_bytes: Some(1024),
        ..Env::default()
    })
    .unwrap();
    assert_eq!(s3.storage.url, "s3://atrium/files");
    assert_eq!(s3.storage.upload_max_bytes, 1024);
    let bad = resolve(Env {
        storage_url: Some("ftp://nope".into()),
        ..Env::default()
    });
    assert!(format!("{:#}", bad.unwrap_err()).contains("ATRIUM_STORAGE_URL"));
}
