//! The audit log for admins (`/admin/audit`, `/admin/audit.csv`): filters, keyset pages, a
//! streamed CSV of any size in order, and nobody else reads it.

use crate::community::{admin, member, page};
use crate::helpers::spawn_app;
use crate::identity::bare_client;
use reqwest::{StatusCode, header};

#[tokio::test]
async fn admins_filter_page_and_export_the_audit_log_and_nobody_else_reads_it() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    let fern = member(&app, "fernleaf", "Fern Leaf").await;
    // Enough history for pages and CSV chunks: 2,500 sign-ins by the member.
    sqlx::query(
        "insert into auth.audit_log (actor, subject, event, ip, detail)
         select u.id, u.id, 'sign_in', '203.0.113.7', jsonb_build_object('n', g)
           from auth.users u, generate_series(1, 2500) g where u.email = 'fernleaf@example.org'",
    )
    .execute(&app.pool)
    .await
    .unwrap();

    // Filtered by event and actor, newest first, a hundred a page with an "older" link.
    let (status, first) = page(
        &app,
        "/admin/audit?event=sign_in&actor=fernleaf",
        &chief.cookies,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        first.matches("data-testid=\"audit-entry\"").count(),
        100,
        "{first}"
    );
    assert!(first.contains("203.0.113.7"));
    assert!(!first.contains("data-event=\"sign_up\""));
    let older = first
        .split("href=\"")
        .find(|s| s.starts_with("/admin/audit?") && s.contains("before="))
        .and_then(|s| s.split('"').next())
        .expect("an older link")
        .replace("&amp;", "&");
    let (_, second) = page(&app, &older, &chief.cookies).await;
    assert_eq!(second.matches("data-testid=\"audit-entry\"").count(), 100);
    // A filter that matches nothing, and a date that is not one.
    let (_, none) = page(
        &app,
        "/admin/audit?event=sign_in&actor=chiefly&from=2999-01-01",
        &chief.cookies,
    )
    .await;
    assert_eq!(none.matches("data-testid=\"audit-entry\"").count(), 0);
    let (status, bad) = page(&app, "/admin/audit?from=yesterday", &chief.cookies).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(bad.contains("is not a date like"), "{bad}");

    // The CSV: every matching line once, newest first, across chunks.
    let response = bare_client()
        .get(format!(
            "{}/admin/audit.csv?event=sign_in&actor=fernleaf",
            app.address
        ))
        .header(header::COOKIE, &chief.cookies)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = response.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("id,at,event,actor,subject,ip,request_id,detail")
    );
    let ids: Vec<i64> = lines
        .map(|line| line.split(',').next().unwrap().parse().unwrap())
        .collect();
    // Her own sign-ins through the app (sign-up's) plus the 2,500.
    assert!(ids.len() >= 2500, "{} lines", ids.len());
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "not newest first, or repeated"
    );

    // Members, visitors and (non-admin) staff are refused, page and CSV alike.
    let (status, _) = page(&app, "/admin/audit", &fern.cookies).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for cookies in [fern.cookies.as_str(), ""] {
        let response = bare_client()
            .get(format!("{}/admin/audit.csv", app.address))
            .header(header::COOKIE, cookies)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_client_error(), "{}", response.status());
        assert!(!response.text().await.unwrap().contains("203.0.113.7"));
    }
}
