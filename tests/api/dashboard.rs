//! The staff dashboard (`/admin`, migration 0030): site staff see the community's last 30
//! days and the review backlog, admins also this instance's last hour and the database's
//! health; charts are SVG drawn on the server with their figures as tables; members, and
//! anyone asking the database directly without the role, are refused.

use crate::community::{admin, call, create_circle, join, json, member, page, write_post};
use crate::helpers::spawn_app;
use crate::moderation::{reply_to, report, site_moderator, user_id};
use crate::rls_community::signed_in;
use reqwest::StatusCode;
use serde_json::Value;
use wellspring::server::db::scoped;

/// The figures of the chart titled `title`, as (label, values) rows.
fn chart_rows(section: &Value, title: &str) -> Vec<(String, Vec<String>)> {
    let chart = section["charts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == title)
        .unwrap_or_else(|| panic!("no chart {title} in {section}"));
    serde_json::from_value(chart["rows"].clone()).unwrap()
}

fn figure(section: &Value, label: &str) -> String {
    section["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["label"] == label)
        .unwrap_or_else(|| panic!("no figure {label} in {section}"))["value"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn staff_see_the_communitys_days_and_admins_the_operations() {
    let app = spawn_app().await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "gardens", "public", false).await;
    let author = member(&app, "fernleaf", "Fern Leaf").await;
    join(&app, &author, "gardens").await;
    let today = write_post(&app, &author, "gardens", "Seed swap", "Tomatoes?").await;
    let earlier = write_post(&app, &author, "gardens", "Old news", "From before").await;
    reply_to(&app, &author, today, "Also peppers").await;
    let reporter = member(&app, "watchful", "Wren Watch").await;
    let filed = report(&app, &reporter, "post", &today.to_string(), "spam").await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    // One post three days ago (triggers off: a post's date never changes otherwise).
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query("set local session_replication_role = replica")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("update app.posts set created_at = now() - interval '3 days' where id = $1")
        .bind(earlier)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let keeper = site_moderator(&app, "keeper").await;

    // Admins: both sections, figures that match what happened.
    let reply = call(&app, "admin/dashboard", &[], &chief.cookies).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let dashboard = json(&reply);
    let community = &dashboard["community"];
    let posts = chart_rows(community, "Posts and replies");
    assert_eq!(posts.len(), 30);
    assert_eq!(posts[29].1, vec!["1", "1"], "today: one post, one reply");
    assert_eq!(posts[26].1, vec!["1", "0"], "three days ago: one post");
    let people = chart_rows(community, "Sign-ups and active members");
    assert_eq!(
        people[29].1,
        vec!["4", "1"],
        "four accounts today; one wrote"
    );
    assert_eq!(people[26].1, vec!["0", "1"]);
    assert_eq!(figure(community, "Open reports"), "1");
    assert_eq!(figure(community, "Reported things waiting"), "1");
    assert_eq!(
        figure(community, "Median wait to a decision (30 days)"),
        "none decided"
    );
    let operations = &dashboard["operations"];
    assert!(operations.is_object(), "{dashboard}");
    let requests: u64 = chart_rows(operations, "Requests per minute")
        .iter()
        .map(|(_, values)| values[0].parse::<u64>().unwrap())
        .sum();
    assert!(
        requests >= 10,
        "this instance counted its requests: {requests}"
    );
    let tables = operations["biggest_tables"].as_array().unwrap();
    assert!(
        tables.iter().any(|t| t["name"] == "app.posts"),
        "{operations}"
    );

    // The page: charts as SVG the page's colour themes, each with its table, no script.
    let (status, html) = page(&app, "/admin", &chief.cookies).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches("data-testid=\"dashboard-chart\"").count(), 5);
    assert_eq!(
        html.matches("<svg role=\"img\"").count(),
        5,
        "each chart once (never again in serialized data): {html}"
    );
    assert!(html.contains("aria-label=\"Posts and replies\""));
    assert!(html.contains("Show the figures as a table"));
    assert!(html.contains("currentColor"));
    assert!(html.contains("data-testid=\"dashboard-operations\""));
    assert!(
        html.contains("1 reported thing is waiting for review."),
        "the queue's line: {html}"
    );

    // A decision shows in the backlog figures.
    let settled = call(
        &app,
        "moderation/settle",
        &[
            ("target_key", &format!("post:{today}")),
            ("outcome", "dismissed"),
            ("reason", "Not spam at all"),
        ],
        &chief.cookies,
    )
    .await;
    assert_eq!(settled.status, StatusCode::OK, "{}", settled.body);
    let dashboard = json(&call(&app, "admin/dashboard", &[], &chief.cookies).await);
    assert_eq!(figure(&dashboard["community"], "Open reports"), "0");
    assert_eq!(
        figure(&dashboard["community"], "Reports decided (30 days)"),
        "1"
    );
    assert!(
        figure(
            &dashboard["community"],
            "Median wait to a decision (30 days)"
        )
        .ends_with(" s")
    );

    // A site moderator: the community, not the operations.
    let dashboard = json(&call(&app, "admin/dashboard", &[], &keeper.cookies).await);
    assert!(dashboard["community"].is_object());
    assert!(dashboard["operations"].is_null(), "{dashboard}");
    let (_, html) = page(&app, "/admin", &keeper.cookies).await;
    assert!(html.contains("data-testid=\"dashboard-community\""));
    assert!(!html.contains("data-testid=\"dashboard-operations\""));

    // A member: refused.
    let refused = call(&app, "admin/dashboard", &[], &author.cookies).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
}

#[tokio::test]
async fn the_dashboard_functions_refuse_all_but_staff_in_the_database() {
    let app = spawn_app().await;
    admin(&app, "chiefly", "Chief Keeper").await;
    member(&app, "fernleaf", "Fern Leaf").await;
    let (chief, fern) = (
        user_id(&app, "chiefly").await,
        user_id(&app, "fernleaf").await,
    );
    let run = |who, sql: &'static str| {
        let pool = app.pool.clone();
        async move {
            let mut tx = scoped::begin(&pool, &who).await.unwrap();
            sqlx::query(sql)
                .fetch_all(&mut *tx)
                .await
                .map(|rows| rows.len())
                .map_err(|e| match e {
                    sqlx::Error::Database(db) => db.code().unwrap_or_default().into_owned(),
                    other => other.to_string(),
                })
        }
    };
    // Allowed.
    assert_eq!(
        run(
            signed_in(chief, "admin"),
            "select * from app.dashboard_days(30)"
        )
        .await,
        Ok(30)
    );
    assert_eq!(
        run(
            signed_in(chief, "admin"),
            "select * from app.dashboard_backlog()"
        )
        .await,
        Ok(1)
    );
    assert_eq!(
        run(signed_in(chief, "admin"), "select app.dashboard_database()").await,
        Ok(1)
    );
    assert_eq!(
        run(
            signed_in(fern, "moderator"),
            "select * from app.dashboard_days(7)"
        )
        .await,
        Ok(7)
    );
    // Denied: members, visitors, moderators for the database's health; silly ranges.
    for sql in [
        "select * from app.dashboard_days(30)",
        "select * from app.dashboard_backlog()",
        "select app.dashboard_database()",
    ] {
        assert_eq!(
            run(signed_in(fern, "member"), sql).await,
            Err("42501".into()),
            "{sql}"
        );
        assert!(
            run(scoped::RequestClaims::anonymous(), sql).await.is_err(),
            "visitor: {sql}"
        );
    }
    assert_eq!(
        run(
            signed_in(fern, "moderator"),
            "select app.dashboard_database()"
        )
        .await,
        Err("42501".into())
    );
    // The kept day counts are the function's alone: not even an admin reads or writes them.
    for sql in [
        "select * from app.dashboard_day_counts",
        "with x as (delete from app.dashboard_day_counts returning 1) select * from x",
    ] {
        assert_eq!(
            run(signed_in(chief, "admin"), sql).await,
            Err("42501".into()),
            "{sql}"
        );
    }
    assert_eq!(
        run(
            signed_in(chief, "admin"),
            "select * from app.dashboard_days(0)"
        )
        .await,
        Err("22023".into())
    );
    assert_eq!(
        run(
            signed_in(chief, "admin"),
            "select * from app.dashboard_days(1000)"
        )
        .await,
        Err("22023".into())
    );
}

#[tokio::test]
async fn a_kept_dashboard_goes_only_to_those_who_may_see_it() {
    let app = crate::helpers::spawn_app_with(|s| s.moderation.dashboard_cache_ms = 60_000).await;
    let chief = admin(&app, "chiefly", "Chief Keeper").await;
    create_circle(&app, &chief, "gardens", "public", false).await;
    let keeper = site_moderator(&app, "keeper").await;
    let author = member(&app, "fernleaf", "Fern Leaf").await;
    join(&app, &author, "gardens").await;

    // The admin's copy is drawn and kept; the moderator gets the staff copy, never it.
    let drawn = json(&call(&app, "admin/dashboard", &[], &chief.cookies).await);
    assert!(drawn["operations"].is_object(), "{drawn}");
    let staff = json(&call(&app, "admin/dashboard", &[], &keeper.cookies).await);
    assert!(staff["community"].is_object());
    assert!(staff["operations"].is_null(), "{staff}");
    // A member is refused before any copy is handed out.
    let refused = call(&app, "admin/dashboard", &[], &author.cookies).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);

    // Kept: a post written now shows once the copy is older than the setting, not before.
    write_post(&app, &author, "gardens", "Seed swap", "Tomatoes?").await;
    let kept = json(&call(&app, "admin/dashboard", &[], &chief.cookies).await);
    assert_eq!(
        chart_rows(&kept["community"], "Posts and replies")[29].1,
        chart_rows(&drawn["community"], "Posts and replies")[29].1,
        "the admin's kept copy"
    );
}
