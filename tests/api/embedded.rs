use sqlx::{Connection, PgConnection};
use wellspring::server::db::embedded::EmbeddedPostgres;

fn data_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "wellspring-embedded-{}",
        uuid::Uuid::new_v4().simple()
    ))
}

/// Starts (initialising on first use) the cluster under `dir`, off the async threads.
async fn start(dir: &std::path::Path) -> EmbeddedPostgres {
    let dir = dir.to_owned();
    tokio::task::spawn_blocking(move || EmbeddedPostgres::start(&dir))
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_embedded_cluster_starts_serves_and_stops() {
    let dir = data_dir();
    let cluster = start(&dir).await;
    let url = cluster.url("postgres");
    let mut conn = PgConnection::connect(&url).await.unwrap();
    let one: i32 = sqlx::query_scalar("select 1")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(one, 1);
    // Reachable only through its private socket: no TCP port, a directory only its owner
    // can open.
    let listening: String = sqlx::query_scalar("show listen_addresses")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(listening, "", "no TCP listener");
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(cluster.socket_dir())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700, "the socket directory is private");
    conn.close().await.unwrap();

    tokio::task::spawn_blocking(move || cluster.stop())
        .await
        .unwrap()
        .unwrap();
    assert!(
        PgConnection::connect(&url).await.is_err(),
        "stopped means stopped"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_embedded_cluster_recovers_from_a_crash() {
    let dir = data_dir();
    let first = start(&dir).await;
    // Simulate our process dying without stopping PostgreSQL: the server keeps running.
    std::mem::forget(first);
    let second = start(&dir).await;
    let mut conn = PgConnection::connect(&second.url("postgres"))
        .await
        .unwrap();
    sqlx::query("select 1").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    tokio::task::spawn_blocking(move || second.stop())
        .await
        .unwrap()
        .unwrap();

    // A stale postmaster.pid from a process that no longer exists.
    let pid_file = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("postmaster.pid"))
        .next()
        .unwrap_or_else(|| dir.join("postgres/postmaster.pid"));
    std::fs::write(&pid_file, "999999\n/nonexistent\n").unwrap();
    let third = start(&dir).await;
    let mut conn = PgConnection::connect(&third.url("postgres")).await.unwrap();
    sqlx::query("select 1").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    tokio::task::spawn_blocking(move || third.stop())
        .await
        .unwrap()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn operator_commands_find_the_cluster_a_running_server_started() {
    let dir = data_dir();
    assert_eq!(EmbeddedPostgres::running_url(&dir, "postgres"), None);
    let cluster = start(&dir).await;
    let found = EmbeddedPostgres::running_url(&dir, "postgres").expect("found while it runs");
    assert_eq!(found, cluster.url("postgres"));
    let mut conn = PgConnection::connect(&found).await.unwrap();
    sqlx::query("select 1").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    tokio::task::spawn_blocking(move || cluster.stop())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        EmbeddedPostgres::running_url(&dir, "postgres"),
        None,
        "a stopped cluster is not offered"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
