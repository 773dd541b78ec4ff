use crate::helpers::{spawn_app, spawn_app_with};
use tower::ServiceExt;

#[tokio::test]
async fn metrics_count_requests_by_route_for_loopback_callers() {
    let app = spawn_app().await;
    app.get("/").await;
    app.get("/about").await;
    app.get("/about").await;
    let (status, headers, body) = app.get_text("/metrics").await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(
        body.contains(
            "wellspring_http_requests_total{method=\"GET\",route=\"/about\",status=\"200\"} 2"
        ),
        "{body}"
    );
    assert!(
        body.contains("wellspring_http_request_duration_seconds_count{route=\"/\"} 1"),
        "{body}"
    );
    assert!(body.contains("wellspring_db_pool_connections{state=\"max\"}"));
}

#[tokio::test]
async fn metrics_are_refused_to_remote_callers_without_the_token() {
    let app = spawn_app_with(|s| s.metrics.token = Some("scrape-secret".into())).await;
    // No ConnectInfo: this request does not come from loopback.
    let router = wellspring::server::startup::router(app.state.clone());
    let anonymous = axum::http::Request::get("/metrics")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(
        router.clone().oneshot(anonymous).await.unwrap().status(),
        403
    );

    let wrong = axum::http::Request::get("/metrics")
        .header("authorization", "Bearer nope")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(router.clone().oneshot(wrong).await.unwrap().status(), 403);

    let right = axum::http::Request::get("/metrics")
        .header("authorization", "Bearer scrape-secret")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(router.oneshot(right).await.unwrap().status(), 200);
}

#[tokio::test]
async fn metrics_report_the_job_queue_the_revocation_set_and_recent_events() {
    let app = spawn_app().await;
    // The application's own periodic jobs (event pruning, unconfirmed accounts) are
    // enqueued once per period by the scheduler and run by the worker; wait for both, so
    // only this test's jobs are counted.
    app.wait_until(
        "select (select count(*) from app.job_schedules) >= 2
            and not exists (select 1 from app.jobs)",
        "the scheduled jobs never ran",
    )
    .await;
    sqlx::query(
        "insert into app.jobs (kind, max_attempts, failed_at) values ('test.parked', 1, now())",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into app.jobs (kind, run_at) values ('test.later', now() + interval '1 hour')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    // Mail: one due and unsent for ten minutes, one not due yet, one long sent. With no
    // SMTP transport configured here, nothing drains them meanwhile.
    sqlx::query(
        "insert into app.outbox_emails (to_address, subject, body_text, created_at, next_attempt_at, sent_at)
         values ('a@example.test', 'due', 'x', now() - interval '10 minutes', now() - interval '1 minute', null),
                ('b@example.test', 'later', 'x', now() - interval '1 hour', now() + interval '1 hour', null),
                ('c@example.test', 'sent', 'x', now() - interval '2 hours', now() - interval '2 hours', now())",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let body = metrics_while_no_scheduled_job_is_queued(&app).await;
    let mail_wait: f64 = body
        .lines()
        .find_map(|l| l.strip_prefix("wellspring_mail_outbox_oldest_pending_seconds "))
        .expect("the outbox's wait is exported")
        .parse()
        .unwrap();
    assert!((600.0..700.0).contains(&mail_wait), "{mail_wait}");
    for line in [
        "wellspring_jobs_waiting 1",
        "wellspring_jobs_parked 1",
        "wellspring_jobs_oldest_due_seconds 0",
        "wellspring_revocations_held 0",
        "wellspring_events_last_minute 0",
        "wellspring_visitor_pages_stored 0",
    ] {
        assert!(body.lines().any(|l| l == line), "{line} in:\n{body}");
    }
}

/// Reads `/metrics` at a moment when none of the application's own periodic jobs is queued,
/// so only the test's jobs are counted. Those jobs come and go on their own (the media
/// sweep fires every minute, and the scheduler ticks its schedules one after another), so
/// the read is repeated until no job of the app's own was queued before it and no schedule
/// fired while it ran: firing moves a schedule's period, which the two snapshots compare.
async fn metrics_while_no_scheduled_job_is_queued(app: &crate::helpers::TestApp) -> String {
    const SNAPSHOT: &str =
        "select not exists (select 1 from app.jobs where kind not like 'test.%'),
                coalesce(string_agg(name || '@' || last_period_at::text, ',' order by name), '')
           from app.job_schedules";
    for _ in 0..100 {
        let before: (bool, String) = sqlx::query_as(SNAPSHOT).fetch_one(&app.pool).await.unwrap();
        let (status, _, body) = app.get_text("/metrics").await;
        assert_eq!(status, 200);
        let after: (bool, String) = sqlx::query_as(SNAPSHOT).fetch_one(&app.pool).await.unwrap();
        if before.0 && after.0 && before.1 == after.1 {
            return body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the application's own scheduled jobs never left the queue");
}
