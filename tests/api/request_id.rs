use crate::helpers::spawn_app;

#[tokio::test]
async fn a_request_without_an_id_gets_a_generated_one() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    let again = app.get("/healthz").await;
    assert_ne!(
        again.headers()["x-request-id"].to_str().unwrap(),
        id,
        "ids must differ per request"
    );
}

#[tokio::test]
async fn a_safe_incoming_id_is_kept_and_echoed() {
    let app = spawn_app().await;
    let response = app
        .get_with_header("/healthz", "x-request-id", "lb-7f3a.2_x")
        .await;
    assert_eq!(response.headers()["x-request-id"], "lb-7f3a.2_x");
}

#[tokio::test]
async fn an_unsafe_or_overlong_incoming_id_is_replaced() {
    let app = spawn_app().await;
    for bad in ["has space", "<script>", &"a".repeat(65)] {
        let response = app.get_with_header("/healthz", "x-request-id", bad).await;
        let echoed = response.headers()["x-request-id"].to_str().unwrap();
        assert_ne!(echoed, bad);
        assert_eq!(echoed.len(), 32, "a fresh id replaces {bad:?}");
    }
}

#[tokio::test]
async fn the_not_found_page_shows_the_request_id_of_its_response() {
    let app = spawn_app().await;
    let (status, headers, body) = app.get_text("/no/such/page").await;
    assert_eq!(status, 404);
    let id = headers["x-request-id"].to_str().unwrap();
    assert!(
        body.contains(&format!(">{id}</code>")),
        "page should show {id}"
    );
}
