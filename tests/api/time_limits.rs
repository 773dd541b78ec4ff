//! Nothing a request starts outlives it in the database: a statement stuck behind a lock is
//! cancelled, a transaction left open ends and gives its locks back; background work (jobs
//! that hold their claim while a backup runs) has no such limits.

use crate::helpers::spawn_app_with;
use std::time::{Duration, Instant};
use wellspring::server::db::pool;

#[tokio::test]
async fn a_requests_statement_stuck_behind_a_lock_is_cancelled_and_a_leaked_transaction_ends() {
    let app = spawn_app_with(|settings| {
        settings.database.request_statement_timeout_ms = 400;
        settings.database.request_idle_in_transaction_ms = 400;
    })
    .await;

    // The owner holds a lock the request role's statement then waits on.
    let mut owner = app.pool.begin().await.unwrap();
    sqlx::query("select pg_advisory_xact_lock(7)")
        .execute(&mut *owner)
        .await
        .unwrap();
    let started = Instant::now();
    let mut conn = app.state.pool.acquire().await.unwrap();
    let stuck = sqlx::query("select pg_advisory_xact_lock(7)")
        .execute(&mut *conn)
        .await
        .expect_err("cancelled");
    let waited = started.elapsed();
    let code = stuck
        .as_database_error()
        .and_then(|e| e.code())
        .map(|c| c.into_owned());
    assert_eq!(code.as_deref(), Some("57014"), "{stuck}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    owner.rollback().await.unwrap();
    drop(conn);

    // A transaction left idle is ended by the server, and its lock with it.
    let mut leaked = app.state.pool.begin().await.unwrap();
    sqlx::query("select pg_advisory_xact_lock(8)")
        .execute(&mut *leaked)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(
        sqlx::query("select 1").execute(&mut *leaked).await.is_err(),
        "the idle transaction's connection was ended"
    );
    let free: bool = sqlx::query_scalar("select pg_try_advisory_lock(8)")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(free, "no lock is left behind");

    // Background work's connections carry no limit.
    let background = pool::background_pool(&app.state.pool, 2, Duration::from_secs(3));
    let limit: String = sqlx::query_scalar("show statement_timeout")
        .fetch_one(&background)
        .await
        .unwrap();
    assert_eq!(limit, "0");
    let idle: String = sqlx::query_scalar("show idle_in_transaction_session_timeout")
        .fetch_one(&background)
        .await
        .unwrap();
    assert_eq!(idle, "0");
    background.close().await;
}
