use crate::helpers::spawn_app;

#[tokio::test]
async fn the_home_page_explains_wellspring_to_a_visitor() {
    let app = spawn_app().await;
    let (status, headers, body) = app.get_text("/").await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(body.contains("A calmer place to grow well, together."));
    assert!(body.contains("<title>Wellspring</title>"));
    assert!(body.contains("Begin the pause"));
}

#[tokio::test]
async fn the_about_page_renders_with_its_title() {
    let app = spawn_app().await;
    let (status, _, body) = app.get_text("/about").await;
    assert_eq!(status, 200);
    assert!(body.contains("<title>About · Wellspring</title>"));
    assert!(body.contains("Not a crisis service"));
}

#[tokio::test]
async fn an_unknown_address_gets_a_kind_404_page() {
    let app = spawn_app().await;
    let (status, _, body) = app.get_text("/circles/does-not-exist").await;
    assert_eq!(status, 404);
    assert!(
        body.contains("We couldn&#x27;t find that page")
            || body.contains("We couldn't find that page")
    );
    assert!(body.contains("data-testid=\"error-panel\""));
}

#[tokio::test]
async fn the_status_page_reports_that_requests_run_as_anon() {
    let app = spawn_app().await;
    let (status, _, body) = app.get_text("/status").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("data-testid=\"db-role\" class=\"text-2xl font-semibold\">anon<"),
        "{body}"
    );
}

#[tokio::test]
async fn the_status_server_function_answers_json() {
    let app = spawn_app().await;
    let response = app.call_server_fn("status").await;
    assert_eq!(response.status(), 200);
    let json: serde_json::Value = response.json().await.unwrap();
    assert_eq!(json["database_role"], "anon");
    assert!(json["database_latency_ms"].as_f64().unwrap() >= 0.0);
}

#[tokio::test]
async fn an_oversized_request_body_is_refused() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/api/status", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; 3 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}
