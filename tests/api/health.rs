use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let (status, _, body) = app.get_text("/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(body, "ok");
}

#[tokio::test]
async fn readyz_is_ready_when_the_database_is_migrated() {
    let app = spawn_app().await;
    let (status, _, body) = app.get_text("/readyz").await;
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["status"], "ready");
    assert_eq!(json["database"], "ok");
}

#[tokio::test]
async fn readyz_is_unavailable_while_migrations_are_pending() {
    let app = spawn_app().await;
    wellspring::server::db::migrate::down(&app.pool, None)
        .await
        .unwrap();
    let (status, _, body) = app.get_text("/readyz").await;
    assert_eq!(status, 503);
    assert!(body.contains("migrations pending"), "{body}");
}
